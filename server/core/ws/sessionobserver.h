#pragma once

namespace Herald {

struct SessionInfo;

// Told of every session that opens or closes on this node (the cluster's presence
// registry): called by SessionDirectory in the worker thread that changed it, after the
// directory's lock is released; it must be quick and thread-safe.
class SessionObserver
{
public:
    virtual ~SessionObserver() = default;
    virtual void sessionAdded(const SessionInfo &info) = 0;
    virtual void sessionRemoved(const SessionInfo &info) = 0;
};

} // namespace Herald
