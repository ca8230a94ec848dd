#pragma once

namespace Herald {

// Reconnect delays: initialMs, doubling per failed attempt up to maxMs, each
// spread by +/- jitter (a fraction, 0 for exact delays in tests) so that many
// consoles do not reconnect to a restarted server in lockstep.
class Backoff
{
public:
    explicit Backoff(int initialMs = 500, int maxMs = 15000, double jitter = 0.2);

    int nextDelayMs(); // the delay before the next attempt; counts the attempt
    void reset(); // after a successful connection
    int attempts() const { return m_attempts; }

private:
    int m_initialMs;
    int m_maxMs;
    double m_jitter;
    int m_attempts = 0;
};

} // namespace Herald
