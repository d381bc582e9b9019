using Npgsql;

namespace CorsKit.FleetApp.Tenants;

/// <summary>
/// Each instance <c>LISTEN</c>s on <see cref="TenantOriginsDatabase.Channel"/> and invalidates the
/// tenant a notification names, so a change made through any instance is in force on all of them
/// at once. A lost connection is reopened after a second; a notification sent meanwhile is lost
/// and that instance converges by expiry (<c>RefreshSeconds</c>), the backstop.
/// </summary>
public sealed partial class TenantOriginsListener(
    TenantOriginsDatabase database, IStrictCorsOriginCache cache, IConfiguration configuration, ILogger<TenantOriginsListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = configuration["Fleet:TenantPolicy"] ?? "tenants";
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.DataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => cache.Invalidate(policy, e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {TenantOriginsDatabase.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                Listening(logger, TenantOriginsDatabase.Channel);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                ListenFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Listening on {Channel}")]
    private static partial void Listening(ILogger logger, string channel);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "LISTEN failed; retrying in 1 s (expiry covers what is missed)")]
    private static partial void ListenFailed(ILogger logger, Exception exception);
}
