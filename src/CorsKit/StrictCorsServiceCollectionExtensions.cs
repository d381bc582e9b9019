using CorsKit;
using CorsKit.Diagnostics;
using CorsKit.Hosting.Configuration;
using CorsKit.Hosting.Middleware;
using CorsKit.Hosting.Stores;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.ResponseCaching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CorsKit's services.</summary>
public static class StrictCorsServiceCollectionExtensions
{
    /// <summary>
    /// Adds CorsKit with its policies read from the <c>Cors</c> configuration section (and
    /// reloaded when it changes). The configuration is validated when the app starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddStrictCors(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<StrictCorsOptions>().BindConfiguration(CorsConfigurationSection.DefaultPath);
        services.AddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            return new CorsConfigurationSection(configuration.GetSection(CorsConfigurationSection.DefaultPath), configuration as IConfigurationRoot);
        });
        return services.AddStrictCorsCore();
    }

    /// <summary>
    /// Adds CorsKit with its policies read from <paramref name="configuration"/> (and reloaded
    /// when it changes). A reload that loses one of the section's layers (a file deleted or no
    /// longer parsing, a provider that reloads empty) is refused when CorsKit can see the
    /// section's providers: for a section of the app's configuration
    /// (<c>builder.Configuration.GetSection("…")</c>) or a configuration root. For a section of
    /// another root it cannot (a section does not expose its root): only a reload that loses the
    /// whole section is refused there, and CorsKit says so at startup (EventId 1013).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <c>DefaultPolicy</c> and <c>Policies</c>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddStrictCors(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StrictCorsOptions>().Bind(configuration);
        services.AddSingleton(sp => new CorsConfigurationSection(configuration, CorsConfigurationSection.RootOf(configuration, sp.GetService<IConfiguration>())));
        return services.AddStrictCorsCore();
    }

    /// <summary>Adds CorsKit with its policies written in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adds policies, e.g. <c>o =&gt; o.AddDefaultPolicy("web", p =&gt; p.WithOrigins("https://app.example.com"))</c>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddStrictCors(this IServiceCollection services, Action<StrictCorsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return services.AddStrictCorsCore();
    }

    /// <summary>
    /// Registers the application's store of origins per key (scoped: a query gets a scope of its
    /// own, so the store may use a DbContext), for policies whose <c>OriginStore</c> is set. Also
    /// registers <see cref="IStrictCorsOriginCache"/>, to apply a change at once. Call it next to
    /// <c>AddStrictCors()</c>; startup fails when a policy has an origin store and none is registered.
    /// </summary>
    /// <typeparam name="TStore">The application's store.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddStrictCorsOriginStore<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(this IServiceCollection services)
        where TStore : class, IStrictCorsOriginStore
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddScoped<IStrictCorsOriginStore, TStore>();
        return services;
    }

    private static IServiceCollection AddStrictCorsCore(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(PipelineCheck)))
        {
            // One instance: UseStrictCors() reports to it, and as a startup filter it checks the call came.
            services.AddSingleton<PipelineCheck>();
            services.AddSingleton<IStartupFilter>(sp => sp.GetRequiredService<PipelineCheck>());
            // The framework's CORS middleware, if an app still uses it, writes no header (AddCors
            // adds its own service only if none is registered).
            services.Replace(ServiceDescriptor.Transient<ICorsService, FrameworkCorsService>());
            // What asks the framework which policy an endpoint has (YARP's route validation, .NET
            // 11's CSRF protection) gets CorsKit's policies, read-only.
            services.Replace(ServiceDescriptor.Transient<ICorsPolicyProvider, FrameworkCorsPolicyProvider>());
        }

        services.TryAddSingleton<CorsKitStatus>();
        services.TryAddSingleton<OriginStoreCache>();
        services.TryAddSingleton<IStrictCorsOriginCache>(s => s.GetRequiredService<OriginStoreCache>());
        services.TryAddSingleton<CorsPolicyStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<CorsKitMetrics>();
        services.AddOptions<StrictCorsStartupCheck>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StrictCorsStartupCheck>, StartupValidation>());

        // The output cache keys entries by its policies, not by the response's Vary: CorsKit adds
        // the request's Origin to every key. Apps without output caching never read these options.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OutputCacheOptions>, VaryByOriginOutputCachePolicy.Registration>());
        services.TryAddSingleton<ResponseCachingInPipeline>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ResponseCachingOptions>, ResponseCachingInPipeline>(s => s.GetRequiredService<ResponseCachingInPipeline>()));
        return services;
    }
}
