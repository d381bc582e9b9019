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

/// <summary>No controller attribute: conventions from MapControllers() apply unless an action says otherwise.</summary>
[ApiController]
[Route("ctl/plain")]
public sealed class PlainController : ControllerBase
{
    [HttpGet("inherits")]
    public string Inherits() => "ran";

    [HttpGet("disabled")]
    [DisableCors]
    public string Disabled() => "ran";

    [HttpGet("strict-disabled")]
    [DisableStrictCors]
    public string StrictDisabled() => "ran";

    [HttpPost("write-disabled")]
    [DisableCors]
    public string WriteDisabled() => "ran";
}

/// <summary>A base controller that disables CORS, for controllers deriving from it.</summary>
[DisableStrictCors]
public abstract class DisabledBaseController : ControllerBase;

/// <summary>A derived controller re-enables what its base class disabled: the derived class is the more specific.</summary>
[ApiController]
[Route("ctl/derived")]
[StrictCors("b")]
public sealed class DerivedController : DisabledBaseController
{
    [HttpGet("inherits")]
    public string Inherits() => "ran";
}

/// <summary>Only mapped by the contradiction tests: one action says two different things.</summary>
[ApiController]
[Route("ctl/contradictory-action")]
public sealed class ContradictoryActionController : ControllerBase
{
    [HttpGet]
    [StrictCors("b")]
    [DisableCors]
    public string Get() => "ran";
}

/// <summary>Only mapped by the contradiction tests: one controller says two different things.</summary>
[ApiController]
[Route("ctl/contradictory-controller")]
[EnableCors("b")]
[DisableStrictCors]
public sealed class ContradictoryControllerController : ControllerBase
{
    [HttpGet]
    public string Get() => "ran";
}

/// <summary>A SignalR hub closed to cross-origin callers by its class attribute.</summary>
[DisableCors]
public sealed class DisabledHub : Microsoft.AspNetCore.SignalR.Hub;

/// <summary>A SignalR hub that names its policy on the class.</summary>
[StrictCors("b")]
public sealed class PolicyBHub : Microsoft.AspNetCore.SignalR.Hub;
