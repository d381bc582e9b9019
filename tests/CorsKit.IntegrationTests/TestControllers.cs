using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Mvc;

namespace CorsKit.IntegrationTests;

/// <summary>Controller-level CorsKit policy, overridden per action.</summary>
[ApiController]
[Route("ctl/strict")]
[StrictCors("b")]
public sealed class StrictController : ControllerBase
{
    [HttpGet("inherits")]
    public string Inherits() => "ran";

    [HttpGet("overrides")]
    [StrictCors("c")]
    public string Overrides() => "ran";

    [HttpGet("disabled")]
    [DisableStrictCors]
    public string Disabled() => "ran";

    [HttpPut("put-only")]
    public string PutOnly() => "ran";
}

/// <summary>The framework's attributes, as an app migrating from UseCors has them.</summary>
[ApiController]
[Route("ctl/framework")]
[EnableCors("b")]
public sealed class FrameworkController : ControllerBase
{
    [HttpGet("inherits")]
    public string Inherits() => "ran";

    [HttpGet("default")]
    [EnableCors]
    public string Default() => "ran";

    [HttpGet("disabled")]
    [DisableCors]
    public string Disabled() => "ran";
}

/// <summary>A disabled controller re-enabled for one action.</summary>
[ApiController]
[Route("ctl/disabled")]
[DisableStrictCors]
public sealed class DisabledController : ControllerBase
{
    [HttpGet("inherits")]
    public string Inherits() => "ran";

    [HttpGet("reenabled")]
    [StrictCors("c")]
    public string Reenabled() => "ran";
}

/// <summary>Only mapped by tests of unknown names: names a policy the configuration lacks.</summary>
[ApiController]
[Route("ctl/unknown")]
public sealed class UnknownPolicyController : ControllerBase
{
    [HttpGet]
    [StrictCors("nonexistent")]
    public string Get() => "ran";
}
