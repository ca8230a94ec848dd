#pragma once

#include <QString>

namespace Herald {

struct ServerConfig;

// What --dev prints once both listeners are up: a token for user "1", the
// WebSocket URL to open with it, and a curl command that pushes to that user.
// Shows the generated secrets: only ever built for dev mode.
class DevBanner
{
public:
    static QString text(const ServerConfig &config, quint16 wsPort, quint16 apiPort);
};

} // namespace Herald
