using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CorsKit.RazorTestApp.Pages.Models;

/// <summary>The framework's attribute on a page model, as an app migrating from UseCors has it.</summary>
[DisableCors]
public sealed class DisabledModel : PageModel
{
    public void OnGet() { }

    public void OnPost() { }
}
