using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CorsKit.RazorTestApp.Pages.Inline;

/// <summary>No attribute here: the page's .cshtml carries it (<c>@attribute [DisableCors]</c>).</summary>
public sealed class OnPageWithModelModel : PageModel
{
    public void OnGet() { }
}
