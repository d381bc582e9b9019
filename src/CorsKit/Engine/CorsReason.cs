namespace CorsKit.Engine;

/// <summary>Why a request was not allowed.</summary>
internal enum CorsReason : byte
{
    None,
    OriginNotAllowed,
    OriginMalformed,
    OriginNull,
    OriginMultiple,
    MethodNotAllowed,
    HeaderNotAllowed,
    PrivateNetworkNotAllowed,

    /// <summary>An unsafe cross-origin request carrying cookies under a policy that does not allow credentials.</summary>
    CredentialsNotAllowed,

    /// <summary>An unsafe request without Origin that Fetch Metadata marks as cross-origin: there is no origin to allow.</summary>
    OriginMissing,

    /// <summary>The origin is not among the configured ones, and the origin store failed to give the key's list: denied, fail closed.</summary>
    OriginStoreUnavailable,
}

/// <summary>The stable, lowercase name of each reason: the <c>cors.reason</c> metric tag, and the name logs and problem details use.</summary>
internal static class CorsReasonTags
{
    public static string Tag(this CorsReason reason) => reason switch
    {
        CorsReason.None => "none",
        CorsReason.OriginNotAllowed => "origin_not_allowed",
        CorsReason.OriginMalformed => "origin_malformed",
        CorsReason.OriginNull => "origin_null",
        CorsReason.OriginMultiple => "origin_multiple",
        CorsReason.MethodNotAllowed => "method_not_allowed",
        CorsReason.HeaderNotAllowed => "header_not_allowed",
        CorsReason.PrivateNetworkNotAllowed => "private_network_not_allowed",
        CorsReason.CredentialsNotAllowed => "credentials_not_allowed",
        CorsReason.OriginMissing => "origin_missing",
        CorsReason.OriginStoreUnavailable => "origin_store_unavailable",
        _ => "unknown",
    };
}
