using CorsKit.BrowserTests.Engines;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace CorsKit.BrowserTests;

/// <summary>Names the engine a scenario class runs in.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class EngineAttribute(string name) : Attribute
{
    public string Name => name;
}

/// <summary>
/// A browser scenario. It is written once and runs in each engine's class; in a class whose
/// engine is missing (and not required) it is skipped with the reason in its name, which
/// `dotnet test` prints at its default verbosity (a skip reason alone shows only at detailed
/// verbosity).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("CorsKit.BrowserTests.BrowserFactDiscoverer", "CorsKit.BrowserTests")]
public sealed class BrowserFactAttribute : FactAttribute;

public sealed class BrowserFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var engineName = testMethod.TestClass.Class.GetCustomAttributes(typeof(EngineAttribute)).Single().GetConstructorArguments().Single();
        var engine = BrowserEngine.Named((string)engineName);
        var display = discoveryOptions.MethodDisplayOrDefault();
        var options = discoveryOptions.MethodDisplayOptionsOrDefault();
        return
        [
            engine.SkipReason is { } reason
                ? new SkippedBrowserTestCase(diagnosticMessageSink, display, options, testMethod, reason)
                : new XunitTestCase(diagnosticMessageSink, display, options, testMethod),
        ];
    }
}

/// <summary>A scenario skipped because its engine is missing, with the reason in its name.</summary>
public sealed class SkippedBrowserTestCase : XunitSkippedDataRowTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedBrowserTestCase()
    {
    }

    public SkippedBrowserTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod, string skipReason)
        : base(diagnosticMessageSink, display, options, testMethod, skipReason)
    {
    }

    protected override string GetDisplayName(IAttributeInfo factAttribute, string displayName) =>
        $"{base.GetDisplayName(factAttribute, displayName)} (skipped: {GetSkipReason(factAttribute)})";
}
