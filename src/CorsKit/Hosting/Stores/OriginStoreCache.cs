using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CorsKit.Diagnostics;
using CorsKit.Hosting.Configuration;
using CorsKit.Origins;
using CorsKit.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CorsKit.Hosting.Stores;

/// <summary>
/// The origins an <see cref="IStrictCorsOriginStore"/> returned, per policy and key, compiled into
/// a policy for that key. A request naming a key whose list is held and fresh costs one lookup and
/// allocates nothing. Otherwise the store is asked — once per key at a time however many requests
/// wait (single flight), at most <see cref="OriginStoreSettings.MaxQueriesInFlight"/> keys at a
/// time (a key beyond is denied at once, not queued), within a timeout — and its answer validated
/// like configuration, compiled, and held for <see cref="OriginStoreSettings.Refresh"/>. Unknown
/// keys are held like known ones (an empty list), so random keys cost one query each per refresh
/// at most, and never more than <see cref="OriginStoreSettings.MaxKeys"/> keys are held. A store
/// that fails or times out denies the key (its configured origins still apply), unless the key's
/// last good list is younger than <see cref="OriginStoreSettings.Stale"/>: that one serves, and the
/// store is asked again after a short pause. Every change of a key's list is audited (EventId 1011).
/// </summary>
internal sealed class OriginStoreCache : IStrictCorsOriginCache
{
    /// <summary>How long a failed query's answer (deny, or the stale list) stands before the store is asked again.</summary>
    internal static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly ConditionalWeakTable<CompiledPolicy, PolicyKeys> _byPolicy = new();

    /// <summary>The keys of the policy in force of each name, for the policy a reload compiles next to take over; guarded by <see cref="_creating"/>.</summary>
    private readonly Dictionary<string, PolicyKeys> _inForce = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _creating = new();
    private readonly IServiceScopeFactory _scopes;
    private readonly CorsPolicyStore _policies;
    private readonly CorsKitMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FailureLog _failures;
    private readonly CorsKitStatus _status;

    public OriginStoreCache(IServiceScopeFactory scopes, CorsPolicyStore policies, CorsKitMetrics metrics, TimeProvider time, ILogger<OriginStoreCache> logger, CorsKitStatus status)
    {
        _status = status;
        _scopes = scopes;
        _policies = policies;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _failures = new FailureLog(logger, time);
        metrics.ObserveStoreKeys(HeldKeysByPolicy);
    }

    /// <summary>
    /// The policy for the key <paramref name="context"/> carries, when its list is held and fresh:
    /// the request path, allocation-free. False: <see cref="ResolveAsync"/> must ask the store.
    /// </summary>
    public bool TryResolve(HttpContext context, CompiledPolicy policy, out CompiledPolicy forKey)
    {
        var keys = KeysOf(policy);
        var key = OriginStoreKey.Read(context, policy.OriginStore!);
        if (key.IsEmpty || key.Length > OriginStoreSettings.MaxKeyLength)
        {
            // No key, or one no tenant has: only the configured origins.
            forKey = keys.WithoutKey;
            return true;
        }

        return keys.TryGetFresh(key, _time.GetTimestamp(), out forKey);
    }

    /// <summary>The policy for the key <paramref name="context"/> carries, asking the store when needed.</summary>
    public ValueTask<CompiledPolicy> ResolveAsync(HttpContext context, CompiledPolicy policy)
    {
        var settings = policy.OriginStore!;
        var key = OriginStoreKey.Read(context, settings).ToString();
        // The store gets a host name as browsers send it, lowercased.
        return KeysOf(policy).ResolveAsync(settings.KeySource == OriginStoreKeySource.Host ? key.ToLowerInvariant() : key, context.RequestAborted);
    }

    public void Invalidate(string policy, string key)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(key);
        if (_policies.Current.Find(policy) is { OriginStore: not null } compiled)
        {
            KeysOf(compiled).Invalidate(key);
            return;
        }

        // No policy of that name takes its origins from the store now: the invalidation reaches no
        // list, so the lists kept from before must not be taken over if a reload brings it back.
        lock (_creating)
        {
            _inForce.Remove(policy);
        }
    }

    /// <summary>The keys held per policy in force with an origin store, for the gauge.</summary>
    private IEnumerable<System.Diagnostics.Metrics.Measurement<int>> HeldKeysByPolicy() =>
        (_policies.CurrentOrNull?.Policies ?? [])
            .Where(p => p.OriginStore is not null)
            .Select(p => new System.Diagnostics.Metrics.Measurement<int>(KeysOf(p).Count, new KeyValuePair<string, object?>("cors.policy", p.Name)));

    private PolicyKeys KeysOf(CompiledPolicy policy) =>
        _byPolicy.TryGetValue(policy, out var keys) ? keys : Create(policy);

    /// <summary>
    /// The keys of a policy first seen. A reload compiles every policy anew, even one it did not
    /// change: the new one takes over the keys of the one it replaces as requests name them
    /// (<see cref="PolicyKeys.Succeed"/>), so that a reload does not drop every list at once — their
    /// stale fallback while the store fails, the audit's baseline, and the queries they save.
    /// </summary>
    private PolicyKeys Create(CompiledPolicy policy)
    {
        lock (_creating)
        {
            if (_byPolicy.TryGetValue(policy, out var keys))
            {
                return keys;
            }

            keys = new PolicyKeys(policy, this);
            if (ReferenceEquals(_policies.CurrentOrNull?.Find(policy.Name), policy))
            {
                if (_inForce.TryGetValue(policy.Name, out var replaced))
                {
                    keys.Succeed(replaced);
                }

                _inForce[policy.Name] = keys;
            }

            _byPolicy.Add(policy, keys);
            return keys;
        }
    }

    /// <summary>The keys of one compiled policy; after a reload, taken over from the policy it replaced as they are named.</summary>
    private sealed class PolicyKeys
    {
        private readonly CompiledPolicy _template;
        private readonly OriginStoreSettings _settings;
        private readonly OriginStoreCache _cache;
        private readonly ConcurrentDictionary<string, Entry> _entries;
        private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private readonly ConcurrentDictionary<string, Flight> _inFlight;

        /// <summary>
        /// Orders holding a query's answer with <see cref="Invalidate"/>: an answer is held only if
        /// its key was not invalidated while it ran. Never taken on the request path.
        /// </summary>
        private readonly Lock _commit = new();
        private int _queries;

        /// <summary>The keys of the policy this one replaced (a reload), whose lists it takes over; null when none or another key source.</summary>
        private PolicyKeys? _replaced;

        /// <summary>The keys of the policy that replaced this one, which may take its lists over: an invalidation here reaches them too.</summary>
        private PolicyKeys? _successor;

        public PolicyKeys(CompiledPolicy template, OriginStoreCache cache)
        {
            _template = template;
            _settings = template.OriginStore!;
            _cache = cache;
            // Host names compare without case; route values and header values as sent.
            var comparer = _settings.KeySource == OriginStoreKeySource.Host ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
            _entries = new ConcurrentDictionary<string, Entry>(comparer);
            _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
            _inFlight = new ConcurrentDictionary<string, Flight>(comparer);
            WithoutKey = template.ForStoreKey(Compile([], template.Origins.MaxOriginLength));
        }

        public int Count => _entries.Count;

        /// <summary>The policy with its configured origins alone.</summary>
        public CompiledPolicy WithoutKey { get; }

        public bool TryGetFresh(ReadOnlySpan<char> key, long now, out CompiledPolicy policy)
        {
            if (_lookup.TryGetValue(key, out var entry) && now < entry.FreshUntil)
            {
                policy = entry.Policy;
                return true;
            }

            policy = null!;
            return false;
        }

        public async ValueTask<CompiledPolicy> ResolveAsync(string key, CancellationToken aborted)
        {
            if (key.Length == 0 || key.Length > OriginStoreSettings.MaxKeyLength)
            {
                return WithoutKey;
            }

            if (TryGetFresh(key, _cache._time.GetTimestamp(), out var fresh) || (TakeOver(key) && TryGetFresh(key, _cache._time.GetTimestamp(), out fresh)))
            {
                return fresh;
            }

            // One query per key at a time: later requests for the key wait for the same answer.
            var flight = new Flight();
            var running = _inFlight.GetOrAdd(key, flight);
            if (!ReferenceEquals(running, flight))
            {
                return (await running.Answer.Task.WaitAsync(aborted).ConfigureAwait(false)).Policy;
            }

            try
            {
                var entry = await QueryAsync(key, flight).ConfigureAwait(false);
                flight.Answer.SetResult(entry);
                return entry.Policy;
            }
            catch (Exception exception)
            {
                flight.Answer.SetException(exception);
                throw;
            }
            finally
            {
                // This query only: an invalidation may have started a newer one for the key.
                _inFlight.TryRemove(new KeyValuePair<string, Flight>(key, flight));
            }
        }

        /// <summary>
        /// Marks the key's list expired and unfit to serve stale (it changed): the next request asks
        /// the store; the list is kept only to audit the change against. A query of the key already
        /// running may have read the key before the change: its answer still goes to the requests
        /// that were waiting for it, but is not held, and requests from now on start a new query.
        /// The key's variants are invalidated with it: keys that differ only in case or surrounding
        /// spaces, which a database's default collation (SQL Server's, MySQL's) answers alike, but
        /// which requests can name as keys of their own.
        /// </summary>
        public void Invalidate(string key)
        {
            // The lists of the policy this one replaced (not taken over yet) and of the one that
            // replaced it (which may have taken this one's over) changed as well. The replaced one
            // first: a list taken over while this runs is then either invalidated already, or
            // taken over before this one's own turn, which waits for the take-over's lock.
            Volatile.Read(ref _replaced)?.InvalidateHere(key);
            InvalidateHere(key);
            Volatile.Read(ref _successor)?.InvalidateHere(key);
        }

        private void InvalidateHere(string key)
        {
            lock (_commit)
            {
                foreach (var (running, flight) in _inFlight)
                {
                    if (IsVariant(running, key) && _inFlight.TryRemove(new KeyValuePair<string, Flight>(running, flight)))
                    {
                        flight.Outdated = true;
                    }
                }

                foreach (var (held, entry) in _entries)
                {
                    if (IsVariant(held, key))
                    {
                        _entries[held] = entry with { FetchedAt = 0, FreshUntil = 0 };
                    }
                }
            }
        }

        private static bool IsVariant(string held, string key) =>
            held.AsSpan().Trim().Equals(key.AsSpan().Trim(), StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Takes over the keys of <paramref name="replaced"/>, the policy of the same name a reload
        /// replaced, if it read its keys the same way (a key read otherwise names something else).
        /// Only one generation is kept: the one replaced lets go of its own predecessor.
        /// </summary>
        public void Succeed(PolicyKeys replaced)
        {
            Volatile.Write(ref replaced._replaced, null);
            if (replaced._settings.KeySource == _settings.KeySource && string.Equals(replaced._settings.KeyName, _settings.KeyName, StringComparison.OrdinalIgnoreCase))
            {
                _replaced = replaced;
                Volatile.Write(ref replaced._successor, this);
            }
        }

        /// <summary>
        /// Takes <paramref name="key"/>'s list over from the policy this one replaced, when this one
        /// holds none: validated again under this policy's settings (a reload may have turned on
        /// credentials) and compiled with its configured origins, fetched and fresh as it was. A list
        /// that was invalidated or failing only becomes the baseline the next answer is audited against.
        /// </summary>
        /// <returns>Whether a list was taken over.</returns>
        private bool TakeOver(string key)
        {
            if (Volatile.Read(ref _replaced) is null || _entries.ContainsKey(key))
            {
                return false;
            }

            lock (_commit)
            {
                if (Volatile.Read(ref _replaced) is not { } replaced || _entries.ContainsKey(key) || !replaced._entries.TryGetValue(key, out var old))
                {
                    return false;
                }

                if (old.FetchedAt > 0 && !old.Policy.StoreUnavailableForKey)
                {
                    var validated = Validate(key, old.Origins);
                    var compiled = validated.Count == 0 ? WithoutKey : _template.ForStoreKey(Compile(validated, _template.Origins.MaxOriginLength));
                    var refreshed = old.FetchedAt + (long)(_settings.Refresh.TotalSeconds * _cache._time.TimestampFrequency);
                    Store(key, new Entry(compiled, old.FetchedAt, Math.Min(old.FreshUntil, refreshed), validated));
                }
                else
                {
                    Store(key, new Entry(Unavailable, 0, 0, old.Origins, old.Observed));
                }

                return true;
            }
        }

        private async Task<Entry> QueryAsync(string key, Flight flight)
        {
            var time = _cache._time;
            _entries.TryGetValue(key, out var previous);
            // A quarter of the slots is kept for keys held with a list (known tenants refreshing):
            // keys not held, all a flood of random keys can name, cannot take every slot and starve
            // them. A known key is queried at most once per RefreshSeconds, whoever names it.
            var limit = previous is { Origins.Count: > 0 } ? _settings.MaxQueriesInFlight : _settings.MaxQueriesInFlight - (_settings.MaxQueriesInFlight / 4);
            if (Interlocked.Increment(ref _queries) > limit)
            {
                Interlocked.Decrement(ref _queries);
                _cache._metrics.RecordStoreQuery(_template.Name, "over_limit");
                // Not held: the key is asked again once a query finishes. A stale list may serve meanwhile.
                return UsableStale(previous, time.GetTimestamp()) ?? new Entry(Unavailable, 0, 0, previous?.Origins ?? [], previous?.Observed ?? false);
            }

            QuerySlot? slot = null;
            try
            {
                List<string> validated;
                CompiledPolicy compiled;
                try
                {
                    // Its scope is created here: a provider disposed as the app stops fails the query, not the request.
                    slot = new QuerySlot(this);
                    var origins = await slot.AskAsync(key).ConfigureAwait(false)
                        ?? throw new InvalidOperationException("the store returned null");

                    // Reading the answer is part of the query: a collection that throws as it is read
                    // (a lazily read result, a closed reader) fails the key closed like a store that throws.
                    validated = Validate(key, origins);
                    compiled = validated.Count == 0 ? WithoutKey : _template.ForStoreKey(Compile(validated, _template.Origins.MaxOriginLength));
                }
#pragma warning disable CA1031 // Whatever the store throws fails the key closed, visibly; it never fails the request.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    return Failed(key, flight, previous, exception);
                }

                return Answered(key, flight, validated, compiled);
            }
            finally
            {
                // A query that ended gives its slot back now; one that timed out but still runs (a
                // store that ignores its token, or blocks) keeps it until it ends.
                if (slot is null)
                {
                    Interlocked.Decrement(ref _queries);
                }
                else if (slot.Query is { IsCompleted: false } running)
                {
                    _ = slot.DisposeWhenDoneAsync(running);
                }
                else
                {
                    await slot.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        /// <summary>A failed query: the key is denied (or its last good list serves stale) until a retry; logged and counted.</summary>
        private Entry Failed(string key, Flight flight, Entry? previous, Exception exception)
        {
            var time = _cache._time;
            var timedOut = exception is TimeoutException or OperationCanceledException;
            _cache._metrics.RecordStoreQuery(_template.Name, timedOut ? "timed_out" : "failed");
            var now = time.GetTimestamp();
            var retry = now + (long)(RetryAfterFailure.TotalSeconds * time.TimestampFrequency);
            Entry failed;
            lock (_commit)
            {
                // The last good list was read before the query; if the key was invalidated
                // since, that list changed: it is not served stale, and nothing is held.
                var stale = flight.Outdated ? null : UsableStale(previous, now);
                failed = stale is not null ? stale with { FreshUntil = retry } : new Entry(Unavailable, now, retry, previous?.Origins ?? [], previous?.Observed ?? false);
                if (!flight.Outdated)
                {
                    Store(key, failed);
                }
            }

            _cache._failures.Failed(_template.Name, key, timedOut, exception, servingStale: !failed.Policy.StoreUnavailableForKey);
            _cache._status.OriginStoreFailed(_template.Name, time.GetUtcNow());
            return failed;
        }

        /// <summary>A query's validated answer: held for RefreshSeconds and audited against the list it replaces, unless invalidated meanwhile.</summary>
        private Entry Answered(string key, Flight flight, List<string> validated, CompiledPolicy compiled)
        {
            var time = _cache._time;
            _cache._status.OriginStoreAnswered(_template.Name);
            var fetched = time.GetTimestamp();
            var entry = new Entry(
                compiled,
                fetched,
                fetched + (long)(_settings.Refresh.TotalSeconds * time.TimestampFrequency),
                validated);
            _cache._metrics.RecordStoreQuery(_template.Name, validated.Count == 0 ? "unknown_key" : "found");
            Entry? replaced;
            lock (_commit)
            {
                if (flight.Outdated)
                {
                    // Invalidated while it ran: the answer may predate the change. It answers the
                    // requests that waited for it (they came before the change), but is neither
                    // held nor audited; the next request asks again, and that answer is.
                    return entry;
                }

                _entries.TryGetValue(key, out replaced);
                Store(key, entry);
            }

            // The audit compares with the list the answer replaces, if CorsKit ever saw one (a key
            // whose first query failed has none: its first answer is no change).
            if (replaced is { Observed: true } && !replaced.Origins.SequenceEqual(validated, StringComparer.Ordinal))
            {
                CorsKitLog.StoreOriginsChanged(_cache._logger, _template.Name, LogValue.Sanitize(key), replaced.Origins, validated);
            }

            return entry;
        }

        /// <summary>
        /// One query's slot among <see cref="OriginStoreSettings.MaxQueriesInFlight"/>, with its scope
        /// and its timeout. The slot is held until the store's query really ends, not merely until
        /// it times out: the bound is on queries the database runs, so a store that ignores its
        /// token cannot pile up queries past it under a flood of keys.
        /// </summary>
        private sealed class QuerySlot(PolicyKeys keys) : IAsyncDisposable
        {
            // The scope first: if it cannot be created (the app stopping), no timer is left behind.
            private readonly AsyncServiceScope _scope = keys._cache._scopes.CreateAsyncScope();
            private readonly CancellationTokenSource _timeout = new(keys._settings.Timeout, keys._cache._time);
            private int _ended;

            /// <summary>The store's query, once started.</summary>
            public Task<IReadOnlyCollection<string>>? Query { get; private set; }

            /// <summary>Asks the store, within the timeout, in a scope of its own.</summary>
            public Task<IReadOnlyCollection<string>> AskAsync(string key)
            {
                var store = _scope.ServiceProvider.GetRequiredService<IStrictCorsOriginStore>();
                var policy = keys._template.Name;
                var token = _timeout.Token;

                // On the thread pool: a store that blocks before its first await (a synchronous
                // driver call) still times out, instead of holding the request past the timeout.
                var query = Task.Run(() => store.GetOriginsAsync(policy, key, token).AsTask(), CancellationToken.None);
                Query = query;
                return query.WaitAsync(token);
            }

            /// <summary>Ends the query: gives the slot back and disposes the scope and the timeout, once.</summary>
            public async ValueTask DisposeAsync()
            {
                if (Interlocked.Exchange(ref _ended, 1) != 0)
                {
                    return;
                }

                Interlocked.Decrement(ref keys._queries);
                _timeout.Dispose();
                try
                {
                    await _scope.DisposeAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A scoped service that fails to dispose is not the query's answer, and may be disposed long after it.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }

            /// <summary>Ends a query that outlived its request's answer (it timed out) once the store's task ends.</summary>
            public async Task DisposeWhenDoneAsync(Task query)
            {
                await query.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await DisposeAsync().ConfigureAwait(false);
            }
        }

        /// <summary>A policy that allows only the configured origins, and says why the key's are missing.</summary>
        private CompiledPolicy Unavailable => _unavailable ??= WithoutKey.StoreUnavailable();

        private CompiledPolicy? _unavailable;

        /// <summary>The last good list, if it is younger than the allowed staleness.</summary>
        private Entry? UsableStale(Entry? previous, long now) =>
            previous is { FetchedAt: > 0, Policy.StoreUnavailableForKey: false }
            && now - previous.FetchedAt <= (long)(_settings.Stale.TotalSeconds * _cache._time.TimestampFrequency)
                ? previous
                : null;

        /// <summary>
        /// Holds <paramref name="entry"/>, making room first: never more than MaxKeys keys. Room is
        /// made from unknown keys first (what a flood of random keys leaves: each only saves a
        /// query), expired ones before fresh ones, and only then from known ones, expired first, a
        /// tenth of the bound at a time. A known key's list is worth more than a query even once
        /// expired: it is the stale fallback while the store fails, and the baseline its next
        /// change (an invalidated one too) is audited against; a flood must not take it.
        /// </summary>
        private Entry Store(string key, Entry entry)
        {
            if (_entries.Count >= _settings.MaxKeys && !_entries.ContainsKey(key))
            {
                var now = _cache._time.GetTimestamp();
                var room = _settings.MaxKeys - Math.Max(1, _settings.MaxKeys / 10);
                Evict(e => e.Origins.Count == 0 && e.FreshUntil <= now, 0);
                Evict(e => e.Origins.Count == 0, room);
                Evict(e => e.FreshUntil <= now, room);
                Evict(_ => true, room);
            }

            _entries[key] = entry;
            return entry;
        }

        /// <summary>Removes the entries <paramref name="which"/> selects until at most <paramref name="left"/> are held.</summary>
        private void Evict(Func<Entry, bool> which, int left)
        {
            foreach (var (held, entry) in _entries)
            {
                if (_entries.Count <= left)
                {
                    return;
                }

                if (which(entry))
                {
                    _entries.TryRemove(held, out _);
                }
            }
        }

        /// <summary>The store's origins that pass configuration's rules; each refused one is logged with its key and reason.</summary>
        private List<string> Validate(string key, IReadOnlyCollection<string> origins)
        {
            var issues = new ConfigurationIssues();
            var candidate = new StrictCorsPolicyOptions
            {
                AllowCredentials = _template.AllowCredentials,
                AllowPrivateNetwork = _template.AllowPrivateNetwork,
                AllowInsecureOrigins = _template.AllowInsecureOrigins,
                OriginStore = new StrictCorsOriginStoreOptions(),
            };
            var maxOriginLength = _template.Origins.MaxOriginLength;
            foreach (var origin in origins)
            {
                if (origin == OriginMatcher.AnyOrigin)
                {
                    // A store supplies a tenant's origins, never "any origin".
                    CorsKitLog.StoreOriginRefused(_cache._logger, _template.Name, LogValue.Sanitize(key), "'*' is refused from an origin store: a key's list names its origins.");
                }
                else if (origin is not null && origin.Length > maxOriginLength)
                {
                    // Refused unread: validation would quote all of it, and no request's Origin is that long.
                    CorsKitLog.StoreOriginRefused(_cache._logger, _template.Name, LogValue.Sanitize(key),
                        $"'{LogValue.Sanitize(origin)}' is longer than MaxOriginLength ({maxOriginLength}) and could never match.");
                }
                else
                {
                    // A null entry (a nullable column) is refused by validation as empty.
                    candidate.Origins.Add(origin!);
                }
            }

            if (candidate.Origins.Count == 0)
            {
                return [];
            }

            var result = OriginsValidator.Validate(candidate, _template.Name, maxOriginLength, issues);
            foreach (var error in issues.Errors)
            {
                // The message names the entry, which is the tenant's text: escaped so that it cannot
                // forge a log line. The log names the policy and the key.
                CorsKitLog.StoreOriginRefused(_cache._logger, _template.Name, LogValue.Sanitize(key), LogValue.EscapeControls(error.Message));
            }

            return [.. result.Exact, .. result.Patterns.Select(p => p.ToString())];
        }

        private OriginMatcher Compile(IReadOnlyList<string> storeOrigins, int maxOriginLength)
        {
            var exact = new List<string>(_settings.ConfiguredExact);
            var patterns = new List<OriginPattern>(_settings.ConfiguredPatterns);
            foreach (var origin in storeOrigins)
            {
                if (OriginPattern.TryParse(origin, out var pattern))
                {
                    patterns.Add(pattern!);
                }
                else
                {
                    exact.Add(origin);
                }
            }

            return new OriginMatcher(exact.Distinct(StringComparer.Ordinal), patterns, allowsAnyOrigin: false, maxOriginLength);
        }
    }

    /// <summary>One running query of a key: the answer the requests naming the key wait for.</summary>
    private sealed class Flight
    {
        public TaskCompletionSource<Entry> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Whether the key was invalidated while the query ran (set and read under the commit lock).</summary>
        public bool Outdated { get; set; }
    }

    /// <summary>
    /// A key's list: the compiled policy, when it was fetched, until when it is used, and the
    /// validated origins (for the audit); <paramref name="Observed"/>: whether those are a list the
    /// store gave, or none yet (a key whose queries have all failed).
    /// </summary>
    private sealed record Entry(CompiledPolicy Policy, long FetchedAt, long FreshUntil, IReadOnlyList<string> Origins, bool Observed = true);

    /// <summary>Logs a failing store at most once a second (a database outage fails every key), with how many more failed.</summary>
    private sealed class FailureLog(ILogger logger, TimeProvider time)
    {
        private long _lastLogged;
        private int _leftOut;

        public void Failed(string policy, string key, bool timedOut, Exception exception, bool servingStale)
        {
            var now = time.GetTimestamp();
            var last = Volatile.Read(ref _lastLogged);
            if (last != 0 && time.GetElapsedTime(last, now) < TimeSpan.FromSeconds(1) || Interlocked.CompareExchange(ref _lastLogged, now, last) != last)
            {
                Interlocked.Increment(ref _leftOut);
                return;
            }

            CorsKitLog.OriginStoreFailed(logger, policy, LogValue.Sanitize(key), timedOut ? "timed out" : "failed", servingStale, Interlocked.Exchange(ref _leftOut, 0), exception);
        }
    }
}
