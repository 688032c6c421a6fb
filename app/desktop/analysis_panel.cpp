#include "app/desktop/analysis_panel.h"

#include "geo/session/park_session.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace parkatlas::desktop {

namespace {

/// At most this many of a run's messages go to the messages panel.
constexpr int kMaxIssueMessages = 300;

} // namespace

AnalysisPanel::AnalysisPanel(bool exports, QWidget* parent)
    : QWidget(parent), m_controls(new QHBoxLayout), m_runButton(new QPushButton(tr("&Run"), this)),
      m_cancelButton(new QPushButton(tr("Cancel"), this)), m_progress(new QProgressBar(this)),
      m_summary(new QLabel(this))
{
    m_progress->setRange(0, kAnalysisProgressSteps);
    m_progress->setVisible(false);
    // A long path in the summary must not widen the dock: the full text is the tooltip.
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_controls->addWidget(m_runButton);
    m_controls->addWidget(m_cancelButton);
    m_controls->addWidget(m_progress, 1);
    if (exports) {
        m_exportButton = new QPushButton(tr("Export…"), this);
        m_controls->addStretch(1);
        m_controls->addWidget(m_exportButton);
        connect(m_exportButton, &QPushButton::clicked, this, &AnalysisPanel::exportDialog);
    }

    connect(m_runButton, &QPushButton::clicked, this, &AnalysisPanel::run);
    connect(m_cancelButton, &QPushButton::clicked, this, &AnalysisPanel::cancel);
    connect(&m_watcher, &QFutureWatcher<void>::progressValueChanged, m_progress,
            &QProgressBar::setValue);
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &AnalysisPanel::onJobFinished);
    connect(&m_exportWatcher, &QFutureWatcher<QString>::finished, this, [this] {
        const QString error = m_exportWatcher.result();
        showSummary(error.isEmpty() ? tr("Exported to %1").arg(m_exportPath)
                                    : tr("Export failed: %1").arg(error));
        updateButtons();
        emit exported(m_exportPath, error);
    });
}

AnalysisPanel::~AnalysisPanel()
{
    // The jobs hold no pointer to the panel; let them finish on their own.
    m_watcher.cancel();
}

void AnalysisPanel::nameControls(const QString& run, const QString& cancel,
                                 const QString& exportName, const QString& progress,
                                 const QString& summary)
{
    m_runButton->setObjectName(run);
    m_cancelButton->setObjectName(cancel);
    if (m_exportButton)
        m_exportButton->setObjectName(exportName);
    m_progress->setObjectName(progress);
    m_summary->setObjectName(summary);
}

QBoxLayout* AnalysisPanel::arrange(QWidget* besideSummary, QWidget* view)
{
    // Two short rows over the view: the panel shares the right dock area with Identify and must
    // not make the window taller than Identify does.
    auto* summaryRow = new QHBoxLayout;
    summaryRow->addWidget(besideSummary, 2);
    summaryRow->addWidget(m_summary, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(m_controls);
    layout->addLayout(summaryRow);
    layout->addWidget(view, 1);
    return layout;
}

void AnalysisPanel::setSession(std::shared_ptr<geo::ParkSession> session)
{
    m_watcher.cancel();
    m_source = session ? QString::fromStdString(session->definition().source) : QString();
    m_session = std::move(session);
    clearResult();
    m_progress->setVisible(false);
    showSummary(m_session ? QString() : tr("Open a park first."));
    updateButtons();
}

void AnalysisPanel::run()
{
    if (!m_session || !canRun())
        return;
    m_watcher.cancel();
    m_progress->setValue(0);
    m_progress->setVisible(true);
    showSummary(runningText());
    m_watcher.setFuture(startJob());
    updateButtons();
}

void AnalysisPanel::cancel()
{
    m_watcher.cancel();
}

bool AnalysisPanel::isRunning() const
{
    return m_watcher.isRunning();
}

void AnalysisPanel::onJobFinished()
{
    m_progress->setVisible(false);
    if (m_watcher.isCanceled() || m_watcher.future().resultCount() == 0) {
        showSummary(tr("Cancelled"));
        updateButtons();
        emit runFinished();
        return;
    }
    acceptResult();
}

QStringList AnalysisPanel::runMessages(const QStringList& issues, bool failed) const
{
    QStringList messages = issues.mid(0, kMaxIssueMessages);
    if (failed)
        messages.append(m_summary->text());
    return messages;
}

void AnalysisPanel::endRun(const QStringList& messages)
{
    updateButtons();
    if (!messages.isEmpty())
        emit messagesReported(messages);
    emit overlayChanged();
    emit runFinished();
}

void AnalysisPanel::showChosen(QTreeWidget* tree, QTreeWidgetItem* row,
                               const geo::Envelope& envelope)
{
    if (row && tree->currentItem() != row) {
        const QSignalBlocker blocker(tree);
        tree->setCurrentItem(row);
    }
    emit overlayChanged();
    if (!envelope.isEmpty())
        emit zoomRequested(envelope);
}

QFuture<QString> AnalysisPanel::startExport(const QString&)
{
    return {};
}

void AnalysisPanel::exportTo(const QString& path)
{
    if (!m_exportButton || !canExport() || m_exportWatcher.isRunning())
        return;
    m_exportPath = path;
    showSummary(tr("Exporting to %1…").arg(path));
    m_exportWatcher.setFuture(startExport(path));
    updateButtons();
}

void AnalysisPanel::showSummary(const QString& text)
{
    m_summary->setText(text);
    m_summary->setToolTip(text);
}

void AnalysisPanel::updateButtons()
{
    const bool running = m_watcher.isRunning();
    m_runButton->setEnabled(m_session && !running && canRun());
    m_cancelButton->setEnabled(running);
    if (m_exportButton)
        m_exportButton->setEnabled(canExport() && !m_exportWatcher.isRunning());
}

} // namespace parkatlas::desktop
