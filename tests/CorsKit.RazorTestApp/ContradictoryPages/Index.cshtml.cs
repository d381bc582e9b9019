using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CorsKit.RazorTestApp.ContradictoryPages;

/// <summary>
/// Only mapped by the contradiction test (RazorPagesOptions.RootDirectory = "/ContradictoryPages"):
/// the page model names policy 'b', its .cshtml says <c>@attribute [DisableCors]</c>.
/// </summary>
[StrictCors("b")]
public sealed class ContradictoryModel : PageModel
{
    public void OnGet() { }
}
