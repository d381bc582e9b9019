using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Cors;

namespace CorsKit.IntegrationTests;

/// <summary>
/// The root component of the contradiction test: <c>MapRazorComponents&lt;T&gt;()</c> maps the routed
/// components of its assembly, this one, so only <see cref="ContradictoryComponent"/>.
/// </summary>
public sealed class ContradictoryComponentsApp : ComponentBase;

/// <summary>Only mapped by the contradiction test: one component says two different things.</summary>
[Route("/components/contradictory")]
[StrictCors("b")]
[DisableCors]
public sealed class ContradictoryComponent : ComponentBase;
