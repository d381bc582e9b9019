namespace CorsKit.Policies;

/// <summary>The outcome of validating a whole configuration: compiled policies, or the errors that prevent them.</summary>
internal sealed record CompilationResult(CompiledPolicySet? Policies, ConfigurationIssues Issues)
{
    public bool Succeeded => Policies is not null;
}

/// <summary>Validates every policy of a <see cref="StrictCorsOptions"/> and compiles them into a <see cref="CompiledPolicySet"/>.</summary>
internal static class PolicySetCompiler
{
    /// <summary>
    /// Validates and compiles <paramref name="options"/>; <paramref name="today"/> (the system
    /// clock's date by default) dates the embedded Public Suffix List's age.
    /// </summary>
    public static CompilationResult Compile(StrictCorsOptions options, string rootPath, ConfigurationIssues? issues = null, DateOnly? today = null)
    {
        issues ??= new ConfigurationIssues();
        var policies = new List<CompiledPolicy>();
        if (options.MaxOriginLength <= 0)
        {
            issues.Error($"{rootPath}:MaxOriginLength", $"is {options.MaxOriginLength}: it must be a positive number of characters (the default is {Origins.OriginMatcher.DefaultMaxOriginLength}).");
        }

        foreach (var (earlier, later) in options.RepeatedPolicyNames)
        {
            var repeated = earlier == later
                ? $"AddPolicy(\"{later}\") is called twice"
                : $"AddPolicy(\"{earlier}\") and AddPolicy(\"{later}\") name the same policy (names are case-insensitive)";
            issues.Error($"{rootPath}:Policies:{later}", $"{repeated}, so the later replaces the earlier. Give each policy its own name.");
        }

        foreach (var (name, policyOptions) in options.Policies)
        {
            var path = $"{rootPath}:Policies:{name}";
            if (string.IsNullOrWhiteSpace(name))
            {
                issues.Error(path, "a policy needs a non-empty name.");
            }
            else if (policyOptions is null)
            {
                issues.Error(path, "the policy is empty: give it at least \"Origins\".");
            }
            else if (PolicyCompiler.Compile(name, policyOptions, path, options.MaxOriginLength, issues, options.Mode, policies.Count) is { } policy)
            {
                policies.Add(policy);
            }
        }

        if (options.DefaultPolicy is { } defaultPolicy && !options.Policies.ContainsKey(defaultPolicy))
        {
            var defined = options.Policies.Count == 0 ? "none is defined" : $"defined policies: {string.Join(", ", options.Policies.Keys)}";
            issues.Error($"{rootPath}:DefaultPolicy", $"names the policy '{defaultPolicy}', which does not exist ({defined}). Define it under {rootPath}:Policies or fix the name.");
        }

        if (options.Policies.Count == 0)
        {
            issues.Warning($"{rootPath}:Policies", "no policy is defined: every cross-origin request will be denied.");
        }

        if (Origins.PublicSuffixListSnapshot.Current.StalenessWarning(today ?? DateOnly.FromDateTime(DateTime.UtcNow)) is { } stale)
        {
            issues.Warning(rootPath, stale);
        }

        var (guard, guardFollowsMode) = GuardMode(options, rootPath, issues);
        var set = issues.HasErrors ? null : new CompiledPolicySet(policies, options.DefaultPolicy, guard, options.Mode, options.MaxOriginLength, guardFollowsMode);
        return new CompilationResult(set, issues);
    }

    /// <summary>
    /// The guard's state, and whether it follows the section's mode: CrossOriginGuard when set,
    /// else off when BlockCrossOriginUnsafeRequests is false, else the section's mode. When both
    /// keys are set they must agree (true: the guard judges, Enforce or ReportOnly; false: Off):
    /// one of them would otherwise be silently ignored.
    /// </summary>
    private static (CrossOriginGuardMode Guard, bool FollowsMode) GuardMode(StrictCorsOptions options, string rootPath, ConfigurationIssues issues)
    {
        if (options.CrossOriginGuard is { } guard)
        {
            var block = options.BlockCrossOriginUnsafeRequests;
            if (options.BlockCrossOriginUnsafeRequestsIsSet && block != (guard != CrossOriginGuardMode.Off))
            {
                issues.Error($"{rootPath}:{nameof(StrictCorsOptions.CrossOriginGuard)}",
                    $"is {guard}, but {rootPath}:{nameof(StrictCorsOptions.BlockCrossOriginUnsafeRequests)} is {(block ? "true, which turns the guard on" : "false, the older way of writing Off")}: "
                    + $"the two keys contradict each other. Keep only {nameof(StrictCorsOptions.CrossOriginGuard)} and remove {nameof(StrictCorsOptions.BlockCrossOriginUnsafeRequests)}.");
            }

            return (guard, false);
        }

        return !options.BlockCrossOriginUnsafeRequests ? (CrossOriginGuardMode.Off, false)
            : options.Mode == StrictCorsMode.ReportOnly ? (CrossOriginGuardMode.ReportOnly, true)
            : (CrossOriginGuardMode.Enforce, true);
    }
}
