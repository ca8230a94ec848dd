#pragma once

#include <QString>

#include <atomic>

#include <sys/types.h>

namespace Herald {

// Notices the SQLite file vanishing under a running server (deleted, or
// replaced by another file). SQLite would go on writing into the unlinked
// file and the server would answer 202 for pushes that a restart loses, so
// once the file is gone the store counts as unavailable for good: pushes get
// 503 store_unavailable and /healthz 503, until an operator restarts it.
// check() may be called from any thread; a memory store (empty path) is
// always intact.
class StoreFileGuard
{
public:
    explicit StoreFileGuard(QString path = {});

    // Records the file's identity; call once the store has opened it.
    bool arm(QString *error);
    // Compares the file with what arm() saw; false once it differs or is gone.
    bool check();
    bool intact() const { return !m_lost.load(std::memory_order_relaxed); }
    QString path() const { return m_path; }
    QString problem() const; // why it is not intact, for /healthz

private:
    QString m_path;
    dev_t m_device = 0;
    ino_t m_inode = 0;
    bool m_armed = false;
    std::atomic<bool> m_lost{false};
};

} // namespace Herald
