#include "config/configoptions.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

QString seconds(int ms)
{
    return QString::number(ms / 1000.0);
}

QString wholeNumber(qint64 min, qint64 max)
{
    return u"a whole number from %1 to %2"_s.arg(QString::number(min), QString::number(max));
}

QString byteCount(qint64 min, qint64 max)
{
    return u"a byte count from %1 to %2"_s.arg(QString::number(min), QString::number(max));
}

QString durationExpected(qint64 maxMs)
{
    return u"a duration from 1ms to %1: a number with unit ms, s, m, h or d (none: seconds)"_s.arg(
        ConfigValueParser::durationText(maxMs));
}

// clang-format off
ConfigOptions makeTable()
{
    const ServerConfig d;
    const QString port = u"a port number (0-65535)"_s;
    const QString address = u"an IP address, 'localhost' or '*'"_s;
    const QString secs = u"a number of seconds from 0.001 to 3600"_s;
    const QString boolean = u"a boolean (1/true/yes/on or 0/false/no/off)"_s;
    const QString path = u"a file name"_s;
    const QString bytes = u"a byte count from %1 to %2"_s.arg(
        QString::number(ConfigOptions::MinPayloadBytes), QString::number(ConfigOptions::MaxPayloadBytes));
    const QString ttl = durationExpected(ConfigOptions::MaxTtlMs);
    using Parse = ConfigValueParser;
    return {
        .wsPort = {u"ws-port"_s, {u"HERALD_WS_PORT"_s, u"PORT"_s}, u"ws_port"_s, u"port"_s, port,
            u"Port for browser WebSocket connections (/ws); 0 picks a free one."_s,
            QString::number(d.wsPort)},
        .wsBind = {u"ws-bind"_s, {u"HERALD_WS_BIND"_s}, u"ws_bind"_s, u"address"_s, address,
            u"Address the WebSocket listener binds to; '*' means all IPv4 interfaces."_s,
            d.wsBind.toString()},
        .apiPort = {u"api-port"_s, {u"HERALD_API_PORT"_s}, u"api_port"_s, u"port"_s, port,
            u"Port for the push API used by the application's backend."_s,
            QString::number(d.apiPort)},
        .apiBind = {u"api-bind"_s, {u"HERALD_API_BIND"_s}, u"api_bind"_s, u"address"_s, address,
            u"Address the push API binds to; keep it private."_s,
            d.apiBind.toString()},
        .workers = {u"workers"_s, {u"HERALD_WORKERS"_s}, u"workers"_s, u"count"_s,
            wholeNumber(0, ConfigOptions::MaxWorkers),
            u"Worker threads for WebSocket sessions; 0 means one per CPU core (at most 64)."_s,
            QString::number(d.workers)},
        .heartbeat = {u"heartbeat-s"_s, {u"HERALD_HEARTBEAT_S"_s}, u"heartbeat_s"_s, u"seconds"_s, secs,
            u"Seconds between pings; a client missing one pong is dropped. Decimals allowed."_s,
            seconds(d.heartbeatMs)},
        .handshakeTimeout = {u"handshake-timeout-s"_s, {u"HERALD_HANDSHAKE_TIMEOUT_S"_s},
            u"handshake_timeout_s"_s, u"seconds"_s, secs,
            u"Seconds a new client has to complete its WebSocket upgrade. Decimals allowed."_s,
            seconds(d.handshakeTimeoutMs)},
        .apiIdleTimeout = {u"api-idle-timeout-s"_s, {u"HERALD_API_IDLE_TIMEOUT_S"_s},
            u"api_idle_timeout_s"_s, u"seconds"_s, secs,
            u"Seconds before a push-API connection idle between requests is closed. Decimals allowed."_s,
            seconds(d.apiIdleTimeoutMs)},
        .apiHeadTimeout = {u"api-head-timeout-s"_s, {u"HERALD_API_HEAD_TIMEOUT_S"_s},
            u"api_head_timeout_s"_s, u"seconds"_s, secs,
            u"Seconds a push-API client has to send a whole request head (from its first byte); "
            u"a slower one gets 408 and is closed. Decimals allowed."_s,
            seconds(d.apiHeadTimeoutMs)},
        .apiMinBodyRate = {u"api-min-body-rate"_s, {u"HERALD_API_MIN_BODY_RATE"_s},
            u"api_min_body_rate"_s, u"bytes/s"_s,
            wholeNumber(ConfigOptions::MinBodyRate, ConfigOptions::MaxBodyRate),
            u"Slowest push-API body upload accepted: a body must arrive within the head timeout "
            u"plus its Content-Length at this rate, or it gets 408 and is closed."_s,
            QString::number(d.apiMinBodyRate)},
        .maxPayload = {u"max-payload-bytes"_s, {u"HERALD_MAX_PAYLOAD_BYTES"_s},
            u"max_payload_bytes"_s, u"bytes"_s, bytes,
            u"Largest push-API request body accepted (1 KiB to 16 MiB)."_s,
            QString::number(d.maxPayloadBytes)},
        .clientRate = {u"client-rate"_s, {u"HERALD_CLIENT_RATE"_s}, u"client_rate"_s, u"frames"_s,
            wholeNumber(1, ConfigOptions::MaxClientRate),
            u"Frames per second a browser WebSocket session may send (bursts of twice that); "
            u"a faster client is closed with code 1008."_s,
            QString::number(d.clientFramesPerSecond)},
        .maxSessionBuffer = {u"max-session-buffer"_s, {u"HERALD_MAX_SESSION_BUFFER"_s},
            u"max_session_buffer"_s, u"bytes"_s,
            byteCount(ConfigOptions::MinSessionBuffer, ConfigOptions::MaxBuffer),
            u"Bytes queued for one browser session (frames, pongs, replay, close) before it is "
            u"closed with code 1008 'slow consumer'."_s,
            QString::number(d.maxSessionBufferBytes)},
        .unreadCoalesce = {u"unread-coalesce-ms"_s, {u"HERALD_UNREAD_COALESCE_MS"_s},
            u"unread_coalesce_ms"_s, u"ms"_s, wholeNumber(0, ConfigOptions::MaxCoalesceMs),
            u"Milliseconds between two unread frames to one session; the updates in between are "
            u"merged into the next one. 0 sends each at once."_s,
            QString::number(d.unreadCoalesceMs)},
        .maxSessionsPerUser = {u"max-sessions-per-user"_s, {u"HERALD_MAX_SESSIONS_PER_USER"_s},
            u"max_sessions_per_user"_s, u"count"_s, wholeNumber(1, ConfigOptions::MaxCount),
            u"Open sessions one user may have; a further one is closed with code 4008 "
            u"'too many sessions'."_s,
            QString::number(d.maxSessionsPerUser)},
        .maxSessions = {u"max-sessions"_s, {u"HERALD_MAX_SESSIONS"_s}, u"max_sessions"_s,
            u"count"_s, wholeNumber(0, ConfigOptions::MaxCount),
            u"WebSocket connections in all; a further upgrade is answered 503 server_full. 0: the "
            u"open-file limit (RLIMIT_NOFILE) minus 1024 descriptors kept for the push API."_s,
            u"0 (open-file limit - 1024)"_s},
        .maxHandshakes = {u"max-handshakes"_s, {u"HERALD_MAX_HANDSHAKES"_s}, u"max_handshakes"_s,
            u"count"_s, wholeNumber(1, ConfigOptions::MaxCount),
            u"Connections on the WebSocket port still sending their request head; a further one "
            u"is closed at once."_s,
            QString::number(d.maxHandshakes)},
        .maxHandshakesPerAddress = {u"max-handshakes-per-address"_s,
            {u"HERALD_MAX_HANDSHAKES_PER_ADDRESS"_s}, u"max_handshakes_per_address"_s, u"count"_s,
            wholeNumber(1, ConfigOptions::MaxCount),
            u"The same, from one client IP address; a trusted proxy's connections count under "
            u"the client address its PROXY header gives, or not at all without one."_s,
            QString::number(d.maxHandshakesPerAddress)},
        .maxAdminBuffer = {u"max-admin-buffer"_s, {u"HERALD_MAX_ADMIN_BUFFER"_s},
            u"max_admin_buffer"_s, u"bytes"_s,
            byteCount(ConfigOptions::MinAdminBuffer, ConfigOptions::MaxBuffer),
            u"Bytes queued for one admin-channel client (herald-monitor) before it is closed with "
            u"code 1008 'slow consumer'; it must hold a session snapshot (about 200 bytes a "
            u"session)."_s,
            QString::number(d.maxAdminBufferBytes)},
        .store = {u"store"_s, {u"HERALD_STORE"_s}, u"store"_s, u"kind"_s, u"'sqlite' or 'memory'"_s,
            u"Where the notification history is kept: 'sqlite' (durable, in --data-dir) or "
            u"'memory' (lost on restart; for tests and throwaway setups)."_s,
            Parse::choiceName(d.store, ConfigOptions::StoreKinds)},
        .dataDir = {u"data-dir"_s, {u"HERALD_DATA_DIR"_s}, u"data_dir"_s, u"folder"_s,
            u"a folder name"_s,
            u"Folder of the SQLite store (herald.sqlite3). Relative to the working directory; "
            u"data_dir in the config file is relative to that file's folder."_s,
            d.dataDir},
        .synchronous = {u"sqlite-synchronous"_s, {u"HERALD_SQLITE_SYNCHRONOUS"_s},
            u"sqlite_synchronous"_s, u"mode"_s, u"'normal' or 'full'"_s,
            u"What an acknowledged push survives. 'normal': every acknowledged push survives a "
            u"crash of herald-server (kill -9); a power loss or OS crash may lose the last pushes "
            u"acknowledged before it (WAL not yet synced) but never corrupts the store. 'full': "
            u"acknowledged pushes also survive power loss, at a large throughput cost."_s,
            Parse::choiceName(d.sqliteSynchronous, ConfigOptions::SynchronousModes)},
        .historySize = {u"history-size"_s, {u"HERALD_HISTORY_SIZE"_s}, u"history_size"_s,
            u"count"_s, wholeNumber(1, ConfigOptions::MaxHistorySize),
            u"Notifications kept per user; the oldest beyond this are dropped."_s,
            QString::number(d.historySize)},
        .historyTtl = {u"history-ttl"_s, {u"HERALD_HISTORY_TTL"_s}, u"history_ttl"_s,
            u"duration"_s, ttl,
            u"Age after which a notification is dropped. Durations are a number with unit ms, "
            u"s, m, h or d (none: seconds), decimals allowed, e.g. 30d or 1.5h."_s,
            Parse::durationText(d.historyTtlMs)},
        .trimInterval = {u"trim-interval"_s, {u"HERALD_TRIM_INTERVAL"_s}, u"trim_interval"_s,
            u"duration"_s, durationExpected(ConfigOptions::MaxTrimIntervalMs),
            u"How often history size, history TTL and idempotency TTL are enforced, e.g. 60s "
            u"or 0.5s."_s,
            Parse::durationText(d.trimIntervalMs)},
        .idempotencyTtl = {u"idempotency-ttl"_s, {u"HERALD_IDEMPOTENCY_TTL"_s},
            u"idempotency_ttl"_s, u"duration"_s, ttl,
            u"How long the answer to a push with an Idempotency-Key is kept, so that a retry "
            u"within it is not delivered twice, e.g. 24h."_s,
            Parse::durationText(d.idempotencyTtlMs)},
        .legacyRoutes = {u"legacy-routes"_s, {u"HERALD_LEGACY_ROUTES"_s}, u"legacy_routes"_s,
            QString(), boolean,
            u"Serve the unauthenticated legacy routes /client?user_id= and /new/<id>; "
            u"insecure, only for migrating old clients."_s,
            u"off"_s},
        .dev = {u"dev"_s, {u"HERALD_DEV"_s}, QString(), QString(), boolean,
            u"Local development: generate missing secrets and accept short ones. "
            u"Never in production."_s,
            u"off"_s},
        .secretFile = {u"secret-file"_s, {u"HERALD_SECRET_FILE"_s}, u"secret_file"_s, u"file"_s, path,
            u"File holding the HS256 secret for browser tokens (at least 32 bytes, trailing "
            u"whitespace ignored). HERALD_SECRET may hold the secret itself instead."_s,
            u"none, required unless --dev"_s},
        .apiKeyFile = {u"api-key-file"_s, {u"HERALD_API_KEY_FILE"_s}, u"api_key_file"_s, u"file"_s, path,
            u"File holding the bearer key for the push API (trailing whitespace ignored). "
            u"HERALD_API_KEY may hold the key itself instead."_s,
            u"none, required unless --dev"_s},
        .secretsFile = {u"secrets-file"_s, {u"HERALD_SECRETS_FILE"_s}, u"secrets_file"_s, u"file"_s,
            path,
            u"File of further token secrets for rotation, one '<kid> <secret>' per line ('#' "
            u"comments). A token whose header has that kid is checked with that secret; a token "
            u"without kid with every secret. Each secret at least 32 bytes."_s,
            u"none"_s},
        .adminTokenFile = {u"admin-token-file"_s, {u"HERALD_ADMIN_TOKEN_FILE"_s}, u"admin_token_file"_s,
            u"file"_s, path,
            u"File holding the bearer token of the admin channel (/admin on the push API "
            u"listener, used by herald-monitor; at least 16 bytes). HERALD_ADMIN_TOKEN may hold "
            u"the token itself instead. Without one the admin channel is off (--dev generates one)."_s,
            u"none: admin channel off"_s},
        .adminAllowedOrigins = {u"admin-allowed-origins"_s, {u"HERALD_ADMIN_ALLOWED_ORIGINS"_s},
            u"admin_allowed_origins"_s, u"origins"_s,
            u"a comma-separated list of origins such as https://ops.example.com"_s,
            u"Web origins (scheme://host[:port]) whose pages may open the admin channel. An "
            u"/admin request with any other Origin header gets 403; herald-monitor sends none."_s,
            u"none"_s},
        .config = {u"config"_s, {u"HERALD_CONFIG"_s}, QString(), u"file"_s, path,
            u"INI file with further settings, weaker than flags and environment "
            u"(see herald.conf.example)."_s,
            u"none"_s},
        .eventLoop = {u"event-loop"_s, {u"HERALD_EVENT_LOOP"_s}, u"event_loop"_s, u"kind"_s,
            u"'epoll' or 'qt'"_s,
            u"Event dispatcher of every server thread: 'epoll' (a wake-up costs time in proportion "
            u"to the ready sockets) or 'qt' (Qt's own, which polls every socket of a thread on "
            u"each wake-up; a fallback)."_s,
            Parse::choiceName(d.eventLoop, ConfigOptions::EventLoops)},
        .allowedOrigins = {u"allowed-origins"_s, {u"HERALD_ALLOWED_ORIGINS"_s},
            u"allowed_origins"_s, u"origins"_s, u"a comma-separated list of origins"_s,
            u"Web origins whose pages may open /ws: exact ones (https://app.example.com, "
            u"scheme://host[:port]) and patterns (https://*.example.com: every subdomain, not "
            u"example.com itself). A WebSocket request whose Origin header matches none gets 403 "
            u"origin_not_allowed before the upgrade; one without an Origin header (not a "
            u"browser) is let through, as its token is what authenticates it."_s,
            u"none: any origin"_s},
        .enforceTokenExpiry = {u"enforce-token-expiry"_s, {u"HERALD_ENFORCE_TOKEN_EXPIRY"_s},
            u"enforce_token_expiry"_s, QString(), boolean,
            u"Close a session with code 4002 'token expired' when its token's exp passes "
            u"(herald.js then asks getToken for a new one and resumes). Off: exp is checked at "
            u"the handshake only."_s,
            d.enforceTokenExpiry ? u"on"_s : u"off"_s},
        .maxSessionsPerToken = {u"max-sessions-per-token"_s, {u"HERALD_MAX_SESSIONS_PER_TOKEN"_s},
            u"max_sessions_per_token"_s, u"count"_s, wholeNumber(0, ConfigOptions::MaxCount),
            u"Open sessions one token may have, told apart by its sid claim, or jti without "
            u"sid (tokens with neither are not limited); a further one is closed with code "
            u"4008 'too many sessions for this token'. 0: no limit."_s,
            QString::number(d.maxSessionsPerToken)},
        .drain = {u"drain-s"_s, {u"HERALD_DRAIN_S"_s}, u"drain_s"_s, u"seconds"_s,
            u"a number of seconds from 0 to 3600"_s,
            u"On SIGTERM or SIGINT: seconds over which open sessions are closed with 1012 "
            u"'service restart', evenly, so that clients reconnect spread out. 0 closes them all "
            u"at once; a second signal too. Decimals allowed."_s,
            seconds(d.drainMs)},
        .logRules = {u"log-rules"_s, {u"HERALD_LOG_RULES"_s}, u"log_rules"_s, u"rules"_s,
            u"QLoggingCategory filter rules separated by ';' or ',', each "
            u"<category>[.<type>]=true|false, e.g. herald.server.ws.debug=true"_s,
            u"Log filter rules, e.g. 'herald.server.ws.debug=true; herald.server.api.info=false'. "
            u"Categories: herald.server, herald.server.ws, .api, .heartbeat, .store, .admin; "
            u"types: debug, info, warning, critical. QT_LOGGING_RULES still overrides them. "
            u"Re-read on SIGHUP."_s,
            u"none: info and above"_s},
        .tlsCert = {u"tls-cert"_s, {u"HERALD_TLS_CERT"_s}, u"tls_cert"_s, u"file"_s,
            u"a file name"_s,
            u"PEM certificate chain of the public listener, its own certificate first. With "
            u"--tls-key, the listener serves wss:// and https:// only; plain HTTP there is "
            u"answered 400 tls_required. Re-read on reload: new handshakes use the new one."_s,
            u"none (plain ws://)"_s},
        .tlsKey = {u"tls-key"_s, {u"HERALD_TLS_KEY"_s}, u"tls_key"_s, u"file"_s,
            u"a file name"_s, u"PEM private key (RSA or EC, unencrypted) of --tls-cert."_s,
            u"none"_s},
        .apiTlsCert = {u"api-tls-cert"_s, {u"HERALD_API_TLS_CERT"_s}, u"api_tls_cert"_s,
            u"file"_s, u"a file name"_s,
            u"PEM certificate chain of the push API; with --api-tls-key it serves https:// "
            u"only (and wss:// for /admin)."_s,
            u"none (plain http://)"_s},
        .apiTlsKey = {u"api-tls-key"_s, {u"HERALD_API_TLS_KEY"_s}, u"api_tls_key"_s, u"file"_s,
            u"a file name"_s, u"PEM private key (RSA or EC, unencrypted) of --api-tls-cert."_s,
            u"none"_s},
        .trustedProxies = {u"trusted-proxies"_s, {u"HERALD_TRUSTED_PROXIES"_s},
            u"trusted_proxies"_s, u"networks"_s,
            u"a comma-separated list of IP addresses and networks"_s,
            u"Peers of the WebSocket port trusted to name the client: reverse proxies and load "
            u"balancers, as addresses or networks (10.0.0.0/8, 127.0.0.1, ::1/128). From them "
            u"the PROXY header (with --proxy-protocol) or else Forwarded / X-Forwarded-For gives "
            u"the client address that sessions, logs and max_handshakes_per_address use; from "
            u"anyone else these are ignored."_s,
            u"none: no proxy trusted"_s},
        .proxyProtocol = {u"proxy-protocol"_s, {u"HERALD_PROXY_PROTOCOL"_s}, u"proxy_protocol"_s,
            QString(), boolean,
            u"Connections from trusted_proxies begin with a PROXY protocol header (v1 or v2), "
            u"which gives the client address; one without a valid header is closed. Other "
            u"peers never send one."_s,
            d.proxyProtocol ? u"on"_s : u"off"_s},
        .broker = {u"broker"_s, {u"HERALD_BROKER"_s}, u"broker"_s, u"url"_s,
            u"a URL redis://[:password@]host:port[/db]"_s,
            u"Redis broker shared by several herald-server nodes (README \"Running several "
            u"nodes\"): every user's stream, read cursor and idempotency keys live there and "
            u"replace --store; any node accepts a push and every node delivers it."_s,
            u"none: this node runs alone on its own store"_s},
        .brokerPasswordFile = {u"broker-password-file"_s, {u"HERALD_BROKER_PASSWORD_FILE"_s},
            u"broker_password_file"_s, u"file"_s, path,
            u"File holding the broker's password (trailing whitespace ignored); it replaces a "
            u"password given in the --broker URL."_s,
            u"none"_s},
        .brokerMinReplicas = {u"broker-min-replicas"_s, {u"HERALD_BROKER_MIN_REPLICAS"_s},
            u"broker_min_replicas"_s, u"count"_s, wholeNumber(0, ConfigOptions::MaxMinReplicas),
            u"With --broker: a push is answered 202 only once this many Redis replicas have it "
            u"too (Redis WAIT after each commit); fewer within --broker-replica-timeout: 503 "
            u"replicas_unavailable (stored on the master, retry with the same Idempotency-Key). "
            u"0: off."_s,
            QString::number(d.brokerMinReplicas)},
        .brokerReplicaTimeout = {u"broker-replica-timeout"_s, {u"HERALD_BROKER_REPLICA_TIMEOUT"_s},
            u"broker_replica_timeout"_s, u"duration"_s,
            durationExpected(ConfigOptions::MaxReplicaTimeoutMs),
            u"How long a commit waits for broker_min_replicas replicas, e.g. 1s or 500ms; the "
            u"store thread waits with it."_s,
            Parse::durationText(d.brokerReplicaTimeoutMs)},
        .migrateToBroker = {u"migrate-to-broker"_s, {}, QString(), QString(), boolean,
            u"Copy this node's SQLite store (--data-dir) into the --broker Redis, keeping every "
            u"user's seqs, history, read cursor and the epoch, print a summary and exit. Refuses "
            u"(exit status 3) when Redis already holds Herald data for any of the users. Stop "
            u"the node first."_s,
            u"off"_s},
        .migrateForce = {u"migrate-force"_s, {}, QString(), QString(), boolean,
            u"With --migrate-to-broker: replace the streams Redis already holds for these users "
            u"instead of refusing."_s,
            u"off"_s},
        .nodeName = {u"node-name"_s, {u"HERALD_NODE_NAME"_s}, u"node_name"_s, u"name"_s,
            u"a name of 1-64 printable ASCII characters without spaces"_s,
            u"This node's name in the cluster (--broker): sessions, stats and kicks name the "
            u"node that holds a session. Unique per node."_s,
            u"<host name>:<WebSocket port>"_s},
    };
}
// clang-format on

} // namespace

const ConfigOptions &ConfigOptions::table()
{
    static const ConfigOptions table = makeTable();
    return table;
}

QList<const OptionSpec *> ConfigOptions::all() const
{
    return {&wsPort,
            &wsBind,
            &apiPort,
            &apiBind,
            &workers,
            &eventLoop,
            &heartbeat,
            &handshakeTimeout,
            &apiIdleTimeout,
            &apiHeadTimeout,
            &apiMinBodyRate,
            &maxPayload,
            &clientRate,
            &maxSessionBuffer,
            &unreadCoalesce,
            &maxSessionsPerUser,
            &maxSessionsPerToken,
            &maxSessions,
            &maxHandshakes,
            &maxHandshakesPerAddress,
            &trustedProxies,
            &proxyProtocol,
            &maxAdminBuffer,
            &store,
            &broker,
            &brokerPasswordFile,
            &brokerMinReplicas,
            &brokerReplicaTimeout,
            &migrateToBroker,
            &migrateForce,
            &nodeName,
            &dataDir,
            &synchronous,
            &historySize,
            &historyTtl,
            &trimInterval,
            &idempotencyTtl,
            &drain,
            &tlsCert,
            &tlsKey,
            &apiTlsCert,
            &apiTlsKey,
            &logRules,
            &legacyRoutes,
            &dev,
            &secretFile,
            &apiKeyFile,
            &secretsFile,
            &adminTokenFile,
            &allowedOrigins,
            &enforceTokenExpiry,
            &adminAllowedOrigins,
            &config};
}

QStringList ConfigOptions::fileKeys() const
{
    QStringList keys;
    for (const OptionSpec *spec : all()) {
        if (!spec->fileKey.isEmpty())
            keys << spec->fileKey;
    }
    return keys;
}

} // namespace Herald
