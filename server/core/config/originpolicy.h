#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Herald {

// Which web origins may open a browser WebSocket (allowed_origins). An entry is an exact
// origin, scheme://host[:port], or a pattern scheme://*.domain[:port] that matches every
// subdomain of domain at any depth, but not domain itself. Schemes are http and https;
// scheme and host compare case-insensitively and a default port (80, 443) equals none.
// An empty policy allows every origin.
//
// It lives in config/ because the entries are checked when the config is read; the
// handshake gate (ws/) asks it about each request's Origin header.
class OriginPolicy
{
public:
    // The comma-separated list as configured; empty parts are skipped. Returns nullopt and
    // sets *error to a sentence naming the first bad entry and what is wrong with it.
    static std::optional<OriginPolicy> parse(const QString &text, QString *error);

    bool isEmpty() const { return m_entries.isEmpty(); }
    // True when the policy is empty or \a origin (an Origin header's value) matches an
    // entry. "null" (sandboxed frames, file: pages) and malformed values match none.
    bool allows(QByteArrayView origin) const;
    // The entries in canonical form (lower case, default port dropped), for logs and help.
    QStringList entries() const;

private:
    struct Entry
    {
        QString scheme;
        QString host; // for a pattern: the domain after "*."
        int port = 0;
        bool wildcard = false;
    };

    static std::optional<Entry> parseEntry(const QString &text, QString *error);
    static bool matches(const Entry &entry, const Entry &origin);

    QList<Entry> m_entries;
};

} // namespace Herald
