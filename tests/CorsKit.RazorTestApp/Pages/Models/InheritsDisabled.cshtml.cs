namespace CorsKit.RazorTestApp.Pages.Models;

/// <summary>Inherits its base class's <c>[DisableStrictCors]</c>.</summary>
public sealed class InheritsDisabledModel : DisabledPageModelBase;
