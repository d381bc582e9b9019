using CorsKit.BrowserTests.Engines;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace CorsKit.BrowserTests;

/// <summary>
/// A browser scenario. It is written once and runs in each engine's class; in a class whose
/// engine is missing (and not required) it is skipped with the reason in its name, which
/// `dotnet test` prints at its default verbosity (a skip reason alone shows only at detailed
/// verbosity).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("CorsKit.BrowserTests.BrowserFactDiscoverer", "CorsKit.BrowserTests")]
public sealed class BrowserFactAttribute : FactAttribute;

/// <summary>Makes a scenario's test case in a class: the engine is the class's collection, named after it.</summary>
public sealed class BrowserFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        BrowserEngine.Named(testMethod.TestClass.TestCollection.DisplayName).SkipReason is { } reason
            ? new SkippedBrowserTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)
            : base.CreateTestCase(discoveryOptions, testMethod, factAttribute);
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
