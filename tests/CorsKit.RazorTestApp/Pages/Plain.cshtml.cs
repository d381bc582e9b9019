using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CorsKit.RazorTestApp.Pages;

/// <summary>No CORS attribute: conventions decide.</summary>
public sealed class PlainModel : PageModel
{
    public void OnGet() { }
}
