using Xunit.Abstractions;
using Xunit.Sdk;

namespace FaceAtlas.Storage.Tests;

/// <summary>
/// A test of <see cref="CatalogContract"/>: run for every catalog that derives from it, and skipped, with the
/// reason, for one whose class says it cannot run here (<see cref="ICanBeUnavailable"/>: a server not installed).
/// </summary>
[XunitTestCaseDiscoverer("FaceAtlas.Storage.Tests.ContractFactDiscoverer", "FaceAtlas.Storage.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>A catalog test class that needs something this machine may not have.</summary>
public interface ICanBeUnavailable
{
    /// <summary>Why its tests cannot run here, or null when they can. Read through a static member of that name.</summary>
    static abstract string? Unavailable { get; }
}

public sealed class ContractFactDiscoverer(IMessageSink sink) : FactDiscoverer(sink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo fact)
    {
        var type = method.TestClass.Class.ToRuntimeType();
        var reason = type.GetInterfaces().Contains(typeof(ICanBeUnavailable))
            ? type.GetProperty(nameof(ICanBeUnavailable.Unavailable))?.GetValue(null) as string
            : null;
        return reason is null
            ? base.CreateTestCase(options, method, fact)
            : new SkippedTestCase(DiagnosticMessageSink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method, reason);
    }

    sealed class SkippedTestCase : XunitTestCase
    {
        string _reason = "";

        [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
        public SkippedTestCase() { }

        public SkippedTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method, string reason)
            : base(sink, display, displayOptions, method) => _reason = reason;

        protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;

        public override void Serialize(IXunitSerializationInfo data)
        {
            base.Serialize(data);
            data.AddValue("Reason", _reason);
        }

        public override void Deserialize(IXunitSerializationInfo data)
        {
            _reason = data.GetValue<string>("Reason");
            base.Deserialize(data);
        }
    }
}
