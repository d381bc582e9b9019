namespace CorsKit.RazorTestApp.Pages.Models;

/// <summary>Re-enables what its base class disabled: the derived class is the more specific.</summary>
[StrictCors("b")]
public sealed class ReenabledModel : DisabledPageModelBase;
