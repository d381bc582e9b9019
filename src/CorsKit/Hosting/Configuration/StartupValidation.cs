using Microsoft.Extensions.Options;

namespace CorsKit.Hosting.Configuration;

/// <summary>
/// A marker options type whose only purpose is to run CorsKit's validation through
/// <c>ValidateOnStart</c>: the app refuses to start with an invalid configuration, and every
/// error is listed at once. (Validating <see cref="StrictCorsOptions"/> itself would make
/// <see cref="IOptionsMonitor{TOptions}"/> throw on a bad reload instead of keeping the last good policies.)
/// </summary>
internal sealed class StrictCorsStartupCheck;

internal sealed class StartupValidation(CorsPolicyStore store) : IValidateOptions<StrictCorsStartupCheck>
{
    public ValidateOptionsResult Validate(string? name, StrictCorsStartupCheck options)
    {
        var errors = store.StartupIssues.Errors.ToList();
        if (errors.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var list = string.Concat(errors.Select(e => $"{Environment.NewLine}  - {e}"));
        return ValidateOptionsResult.Fail($"CorsKit configuration is invalid ({errors.Count} error(s)); fix these and restart:{list}");
    }
}
