namespace CorsKit.EcosystemTests;

/// <summary>The project builds against the real packages it tests CorsKit next to.</summary>
public sealed class ProjectSmokeTests
{
    [Fact]
    public void The_ecosystem_packages_are_the_ones_the_recipes_name()
    {
        typeof(Yarp.ReverseProxy.Configuration.RouteConfig).Assembly.GetName().Version!.ToString().Should().StartWith("2.3.");
        typeof(Microsoft.AspNetCore.Builder.GrpcWebApplicationBuilderExtensions).Assembly.GetName().Name.Should().Be("Grpc.AspNetCore.Web");
    }
}
