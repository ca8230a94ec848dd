#include "storefileguard.h"

#include "logging.h"

#include <QFile>

#include <sys/stat.h>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

StoreFileGuard::StoreFileGuard(QString path) : m_path(std::move(path))
{ }

bool StoreFileGuard::arm(QString *error)
{
    if (m_path.isEmpty())
        return true;
    struct stat info = {};
    if (::stat(QFile::encodeName(m_path).constData(), &info) != 0) {
        *error = u"cannot stat %1"_s.arg(m_path);
        return false;
    }
    m_device = info.st_dev;
    m_inode = info.st_ino;
    m_armed = true;
    return true;
}

bool StoreFileGuard::check()
{
    if (!m_armed || !intact())
        return intact();
    struct stat info = {};
    const bool same = ::stat(QFile::encodeName(m_path).constData(), &info) == 0
        && info.st_dev == m_device && info.st_ino == m_inode;
    if (!same && !m_lost.exchange(true)) {
        qCCritical(lcStore).noquote()
            << "the store file" << m_path
            << "was deleted or replaced while the server ran: refusing pushes (503) until "
               "herald-server is restarted";
    }
    return same;
}

QString StoreFileGuard::problem() const
{
    return intact() ? QString()
                    : u"the store file was deleted or replaced; restart herald-server"_s;
}

} // namespace Herald
