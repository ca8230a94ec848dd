#include "backoff.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace Herald {

Backoff::Backoff(int initialMs, int maxMs, double jitter)
    : m_initialMs(std::max(1, initialMs)),
      m_maxMs(std::max(m_initialMs, maxMs)),
      m_jitter(std::clamp(jitter, 0.0, 1.0))
{ }

int Backoff::nextDelayMs()
{
    const double exact
        = std::min(double(m_maxMs), m_initialMs * std::pow(2.0, std::min(m_attempts, 30)));
    ++m_attempts;
    const double spread = (QRandomGenerator::global()->generateDouble() * 2 - 1) * m_jitter;
    return std::max(1, int(std::lround(exact * (1 + spread))));
}

void Backoff::reset()
{
    m_attempts = 0;
}

} // namespace Herald
