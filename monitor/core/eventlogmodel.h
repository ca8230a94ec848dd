#pragma once

#include "eventlogentry.h"

#include <QAbstractTableModel>
#include <QList>

namespace Herald {

// The live event feed, oldest first, bounded: past capacity() the oldest rows
// go. While paused, new entries wait (bounded too) and appear on resume.
class EventLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, KindColumn, UserColumn, SessionColumn, DetailsColumn, ColumnCount };
    enum Role {
        KindRole = Qt::UserRole + 1, // EventLogEntry::Kind as int
        UsersRole, // QStringList
        ExportRole, // full ISO time for the time column, else the display text
    };

    explicit EventLogModel(int capacity = 10000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void append(const QList<EventLogEntry> &entries);
    void append(const EventLogEntry &entry) { append(QList<EventLogEntry>{entry}); }
    void clear();

    int capacity() const { return m_capacity; }
    bool isPaused() const { return m_paused; }
    void setPaused(bool paused);
    int heldCount() const { return int(m_held.size()); }
    const EventLogEntry &entryAt(int row) const { return m_entries.at(row); }

Q_SIGNALS:
    void pausedChanged(bool paused);
    void heldCountChanged(int held);

private:
    void insert(QList<EventLogEntry> entries);
    QVariant display(const EventLogEntry &entry, int column) const;

    int m_capacity;
    bool m_paused = false;
    QList<EventLogEntry> m_entries;
    QList<EventLogEntry> m_held;
};

} // namespace Herald
