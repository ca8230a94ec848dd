#pragma once

#include <QAbstractItemModel>
#include <QIODevice>

namespace Herald {

// Writes a table model as tab-separated text: a header line, then one line per
// row with \a role's text (tabs and line breaks inside a cell become spaces).
// Returns false when the device refused a write; *error says why.
class EventLogWriter
{
public:
    static bool write(const QAbstractItemModel &model, QIODevice &device, int role,
                      QString *error = nullptr);

private:
    static QByteArray line(const QStringList &cells);
};

} // namespace Herald
