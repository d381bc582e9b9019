using Microsoft.AspNetCore.Components;

namespace CorsKit.RazorTestApp.Components;

/// <summary>A base class of components that closes them to cross-origin callers.</summary>
[DisableStrictCors]
public abstract class DisabledComponentBase : ComponentBase;
