#include "eventlogwriter.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

bool EventLogWriter::write(const QAbstractItemModel &model, QIODevice &device, int role,
                           QString *error)
{
    QStringList header;
    for (int column = 0; column < model.columnCount(); ++column)
        header.append(model.headerData(column, Qt::Horizontal).toString());
    bool ok = device.write(line(header)) >= 0;
    for (int row = 0; ok && row < model.rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < model.columnCount(); ++column)
            cells.append(model.index(row, column).data(role).toString());
        ok = device.write(line(cells)) >= 0;
    }
    if (!ok && error)
        *error = device.errorString();
    return ok;
}

QByteArray EventLogWriter::line(const QStringList &cells)
{
    static const QRegularExpression separators(u"[\\t\\r\\n]+"_s);
    QStringList cleaned;
    for (const QString &cell : cells)
        cleaned.append(QString(cell).replace(separators, u" "_s));
    return cleaned.join(u'\t').toUtf8() + '\n';
}

} // namespace Herald
