using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CorsKit.RazorTestApp.Pages.Models;

/// <summary>A page model that names its policy.</summary>
[StrictCors("b")]
public sealed class StrictBModel : PageModel
{
    public void OnGet() { }
}
