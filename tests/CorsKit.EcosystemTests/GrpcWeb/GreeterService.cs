using Google.Protobuf;
using Grpc.Core;

namespace CorsKit.EcosystemTests.GrpcWeb;

/// <summary>The gRPC service of the recipe; counts its calls so that tests can tell whether it ran.</summary>
public sealed class GreeterService(GreeterService.Calls calls) : Greeter.GreeterBase
{
    /// <summary>The calls that reached the service (one instance per app).</summary>
    public sealed class Calls
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }

    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        calls.Add();
        return Task.FromResult(new HelloReply { Message = $"Hello {request.Name}" });
    }

    /// <summary>Fails before any message: gRPC answers trailers-only, status in the response headers.</summary>
    public override Task<HelloReply> Refuse(HelloRequest request, ServerCallContext context)
    {
        calls.Add();
        var details = new RichStatus { Code = (int)StatusCode.PermissionDenied, Message = "not for " + request.Name };
        throw new RpcException(
            new Status(StatusCode.PermissionDenied, "not for " + request.Name),
            new Metadata { { "grpc-status-details-bin", details.ToByteArray() } });
    }
}
