using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Mvc;

namespace CorsKit.Samples.Api.Controllers;

/// <summary>
/// Per-action policies with attributes: the controller's policy applies to every action unless
/// the action names its own. The framework's [EnableCors]/[DisableCors] are honoured too, so
/// existing controllers keep working when an app moves from AddCors/UseCors to CorsKit.
/// </summary>
[ApiController]
[Route("api/reports")]
[StrictCors("app")]
public sealed class ReportsController(ItemStore items) : ControllerBase
{
    /// <summary>Under the controller's "app" policy.</summary>
    [HttpGet]
    public IActionResult List() => Ok(new[] { new { id = 1, title = "Monthly items", count = items.All().Count() } });

    /// <summary>Readable by any origin: the action's policy wins over the controller's.</summary>
    [HttpGet("summary")]
    [StrictCors("public")]
    public IActionResult Summary() => Ok(new { reports = 1 });

    /// <summary>The framework's attribute, honoured as-is.</summary>
    [HttpGet("legacy")]
    [EnableCors("public")]
    public IActionResult Legacy() => Ok(new { legacy = true });

    /// <summary>A PUT-only route (no OPTIONS action): CorsKit still answers its preflight with the "app" policy.</summary>
    [HttpPut("{id:int}")]
    public IActionResult Rename(int id, ItemInput input) =>
        items.Replace(id, input.Name) is { } item ? Ok(item) : NotFound();

    /// <summary>No cross-origin access, even from the controller's origins.</summary>
    [HttpDelete("{id:int}")]
    [DisableStrictCors]
    public IActionResult Delete(int id) => items.Remove(id) ? NoContent() : NotFound();
}
