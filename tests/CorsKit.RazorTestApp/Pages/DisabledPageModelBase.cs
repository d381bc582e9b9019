using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CorsKit.RazorTestApp.Pages;

/// <summary>A base class of page models that closes their pages to cross-origin callers.</summary>
[DisableStrictCors]
public abstract class DisabledPageModelBase : PageModel
{
    public void OnGet() { }
}
