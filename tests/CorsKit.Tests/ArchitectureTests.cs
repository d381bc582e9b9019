using System.Reflection.Emit;
using System.Reflection;
using CorsKit.Engine;
using CorsKit.Hosting.Configuration;

namespace CorsKit.Tests;

/// <summary>
/// The layer rule of ARCHITECTURE.md, read off the compiled assembly: every CorsKit type, and
/// every type its signatures and method bodies refer to, by namespace. A layer may use the ones
/// before it, never one after it.
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>The layers, first to last; namespaces in one entry are one layer.</summary>
    private static readonly string[][] Layers =
    [
        ["CorsKit.Fetch", "CorsKit.Origins"],
        ["CorsKit"], // the public model: options, builder, attributes
        ["CorsKit.Policies"],
        ["CorsKit.Engine"],
        ["CorsKit.Diagnostics"],
        ["CorsKit.Hosting.Configuration"], // loading and reload
        ["CorsKit.Hosting.Endpoints"], // endpoint metadata
        ["CorsKit.Hosting.Stores"], // origins from the application's store
        ["CorsKit.Hosting.Middleware"], // the request path
        ["Microsoft.Extensions.DependencyInjection", "Microsoft.AspNetCore.Builder"], // the entry points
    ];

    private static readonly Assembly Library = typeof(CorsEngine).Assembly;

    [Fact]
    public void No_layer_uses_a_later_one()
    {
        var violations =
            from type in Library.GetTypes()
            let user = LayerOf(type)
            where user >= 0
            from used in References(type)
            where used.Assembly == Library
            let usedLayer = LayerOf(used)
            where usedLayer > user
            select $"{type.FullName} ({Layers[user][0]}) uses {used.FullName} ({Layers[usedLayer][0]})";

        violations.Distinct().Should().BeEmpty("a layer may only use the layers before it: " + string.Join(" <- ", Layers.Select(l => string.Join("/", l))));
    }

    /// <summary>
    /// The engine decides from request facts and a compiled policy, never from a request: no
    /// type of the ASP.NET Core request model (<c>HttpContext</c>, <c>HttpRequest</c>,
    /// <c>HttpResponse</c>, header dictionaries, features, endpoints) appears in its signatures or
    /// method bodies, so unit tests, properties and the fuzzer reach every rule it holds.
    /// </summary>
    [Fact]
    public void The_engine_never_sees_an_HttpContext()
    {
        var engine = Library.GetTypes().Where(t => LayerOf(t) == Array.FindIndex(Layers, l => l.Contains("CorsKit.Engine")));

        var violations =
            from type in engine
            from used in References(type)
            where used.Namespace is { } ns && (ns == "Microsoft.AspNetCore.Http" || ns.StartsWith("Microsoft.AspNetCore.Http.", StringComparison.Ordinal)
                || ns == "Microsoft.AspNetCore.Routing" || ns.StartsWith("Microsoft.AspNetCore.Builder", StringComparison.Ordinal))
            select $"{type.FullName} uses {used.FullName}";

        engine.Should().Contain(typeof(CorsEngine));
        violations.Distinct().Should().BeEmpty("the engine decides from request facts (IRequestFacts) and a compiled policy alone");
    }

    [Fact]
    public void The_rule_against_the_request_model_sees_a_use_of_it()
    {
        // The writer applies decisions to the response: it is where the request model belongs.
        var writer = Library.GetType("CorsKit.Hosting.Middleware.CorsResponseWriter")!;

        References(writer).Should().Contain(t => t.FullName == "Microsoft.AspNetCore.Http.HttpContext");
    }

    [Fact]
    public void Every_namespace_of_the_library_is_in_a_layer()
    {
        var unplaced = Library.GetTypes()
            .Where(t => t.Namespace is { } ns && ns.StartsWith("CorsKit", StringComparison.Ordinal) && LayerOf(t) < 0)
            .Select(t => t.FullName);

        unplaced.Should().BeEmpty("a new folder must be given its place in the layers");
    }

    [Fact]
    public void The_reader_sees_references_in_signatures_and_method_bodies()
    {
        // StrictCorsMiddleware calls CorsEngine only inside method bodies, and takes a CorsPolicyStore in its constructor.
        var middleware = Library.GetType("CorsKit.Hosting.Middleware.StrictCorsMiddleware")!;

        References(middleware).Should().Contain([typeof(CorsEngine), typeof(CorsPolicyStore)]);
    }

    private static int LayerOf(Type type)
    {
        var ns = (type.IsNested ? OutermostType(type) : type).Namespace;
        if (ns is null)
        {
            return -1;
        }

        for (var i = Layers.Length - 1; i >= 0; i--)
        {
            if (Layers[i].Any(layer => ns == layer || (layer.StartsWith("CorsKit.", StringComparison.Ordinal) && ns.StartsWith(layer + ".", StringComparison.Ordinal))))
            {
                return i;
            }
        }

        return -1;
    }

    private static Type OutermostType(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    /// <summary>Every type <paramref name="type"/> refers to, generic arguments unfolded.</summary>
    private static HashSet<Type> References(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || !found.Add(t))
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
            }

            foreach (var argument in t.IsGenericType ? t.GetGenericArguments() : [])
            {
                Add(argument);
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var field in type.GetFields(All))
        {
            Add(field.FieldType);
        }

        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            Add((method as MethodInfo)?.ReturnType);
            foreach (var used in BodyReferences(method))
            {
                Add(used);
            }
        }

        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The types that the IL of <paramref name="method"/> names: called members' types, fields' types, types it creates or tests.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[position++]);
            }

            var opCode = OpCodesByValue[value];
            var operandSize = opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
                _ => 4,
            };
            if (opCode.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType)
            {
                var member = method.Module.ResolveMember(BitConverter.ToInt32(il, position), typeArguments, methodArguments);
                switch (member)
                {
                    case Type t:
                        yield return t;
                        break;
                    case FieldInfo f:
                        yield return f.DeclaringType!;
                        yield return f.FieldType;
                        break;
                    case MethodBase m:
                        yield return m.DeclaringType!;
                        if (m is MethodInfo { IsGenericMethod: true } generic)
                        {
                            foreach (var argument in generic.GetGenericArguments())
                            {
                                yield return argument;
                            }
                        }

                        break;
                }
            }

            position += operandSize;
        }
    }
}
