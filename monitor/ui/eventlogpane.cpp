#include "eventlogpane.h"

#include "eventlogmodel.h"
#include "eventlogwriter.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QMessageBox>
#include <QSaveFile>
#include <QScrollBar>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

EventLogPane::EventLogPane(EventLogModel &model, QWidget *parent) : QWidget(parent), m_model(model)
{
    m_proxy.setSourceModel(&model);
    setUpView();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(makeToolRow());
    layout->addWidget(&m_view);

    connect(&m_userFilter, &QLineEdit::textChanged, &m_proxy, &EventFilterModel::setUserFilter);
    connect(&m_pause, &QToolButton::toggled, &model, &EventLogModel::setPaused);
    connect(&model, &EventLogModel::pausedChanged, &m_pause, &QToolButton::setChecked);
    connect(&model, &EventLogModel::heldCountChanged, this, &EventLogPane::showHeld);
    connect(&m_clear, &QToolButton::clicked, &model, &EventLogModel::clear);
    connect(&m_save, &QToolButton::clicked, this, &EventLogPane::save);
    connect(&m_proxy, &QAbstractItemModel::rowsInserted, this, &EventLogPane::followNewest);
    connect(m_view.verticalScrollBar(), &QScrollBar::valueChanged, this,
            [this](int value) { m_atBottom = value >= m_view.verticalScrollBar()->maximum(); });
}

QWidget *EventLogPane::makeToolRow()
{
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    m_userFilter.setPlaceholderText(tr("Filter by user"));
    m_userFilter.setClearButtonEnabled(true);
    m_pause.setCheckable(true);
    m_pause.setIcon(QIcon(u":/icons/pause.svg"_s));
    m_pause.setToolTip(tr("Pause the feed: new events wait until you resume"));
    m_clear.setIcon(QIcon(u":/icons/clear.svg"_s));
    m_clear.setToolTip(tr("Clear the log"));
    m_save.setIcon(QIcon(u":/icons/save.svg"_s));
    m_save.setToolTip(tr("Save the shown events to a file"));
    layout->addWidget(&m_userFilter, 1);
    layout->addWidget(&m_held);
    layout->addWidget(&m_pause);
    layout->addWidget(&m_clear);
    layout->addWidget(&m_save);
    return row;
}

void EventLogPane::setUpView()
{
    m_view.setModel(&m_proxy);
    m_view.setItemDelegate(&m_delegate);
    m_view.setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view.setWordWrap(false);
    m_view.verticalHeader()->hide();
    m_view.verticalHeader()->setDefaultSectionSize(m_view.fontMetrics().height() + 6);
    m_view.horizontalHeader()->setStretchLastSection(true);
    m_view.setColumnWidth(EventLogModel::TimeColumn, 100);
    m_view.setColumnWidth(EventLogModel::KindColumn, 90);
    m_view.setColumnWidth(EventLogModel::UserColumn, 140);
    m_view.setColumnWidth(EventLogModel::SessionColumn, 200);
}

void EventLogPane::showHeld(int held)
{
    m_held.setText(held > 0 ? tr("paused: %1 new").arg(held) : QString());
}

void EventLogPane::followNewest()
{
    if (m_atBottom) // after the view has laid out the new rows
        QTimer::singleShot(0, &m_view, &QTableView::scrollToBottom);
}

void EventLogPane::save()
{
    const QString fileName
        = QFileDialog::getSaveFileName(this, tr("Save event log"), u"herald-events.tsv"_s,
                                       tr("Tab-separated values (*.tsv);;All files (*)"));
    if (!fileName.isEmpty())
        saveTo(fileName);
}

bool EventLogPane::saveTo(const QString &fileName)
{
    QSaveFile file(fileName);
    QString error;
    const bool ok = file.open(QIODevice::WriteOnly)
        && EventLogWriter::write(m_proxy, file, EventLogModel::ExportRole, &error) && file.commit();
    if (!ok)
        QMessageBox::warning(this, tr("Save event log"),
                             tr("Could not save %1: %2")
                                 .arg(fileName, error.isEmpty() ? file.errorString() : error));
    return ok;
}

} // namespace Herald
