#include "app/desktop/export_map_dialog.h"

#include "app/desktop/save_dialog.h"
#include "app/desktop/translation.h"
#include "app/render/page_renderer.h"
#include "app/render/park_page.h"
#include "app/render/role_style_book.h"
#include "app/report/session_page.h"

#include "geo/issue.h"
#include "geo/model/issue_text.h"
#include "geo/progress.h"
#include "geo/session/park_session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <functional>
#include <mutex>

namespace parkatlas::desktop {

namespace {

constexpr int kPreviewWidthPx = 560;
constexpr int kPreviewDelayMs = 250;

} // namespace

namespace {

/// What a reader or the page said about the data, for the user (notes left out), at most
/// `limit` lines and a count of the rest.
QStringList issueTexts(const std::vector<geo::Issue>& issues, int limit = 20)
{
    QStringList texts;
    int more = 0;
    for (const geo::Issue& issue : geo::distinctIssues(issues)) {
        if (issue.severity == geo::Issue::Severity::Note)
            continue;
        if (texts.size() < limit)
            texts.append(QString::fromStdString(geo::formatIssue(issue, uiLanguage())));
        else
            ++more;
    }
    if (more > 0)
        texts.append(ExportMapDialog::tr("… and %1 more").arg(more));
    return texts;
}

} // namespace

struct ExportMapDialog::ParkCache {
    std::string source;
    std::mutex mutex;
    /// The window's session (the map's and the panels' park, with the project's rules), else
    /// one opened on `source` the first time.
    std::shared_ptr<geo::ParkSession> session;
    std::shared_ptr<const geo::Park> park;
    std::vector<geo::Issue> issues; // what reading the park said (layers left out, bad features)
    std::string error;

    /// The park, every layer read (once for the session: on the first call, on a worker);
    /// throws std::runtime_error with the reader's message when it cannot be read.
    std::shared_ptr<const geo::Park> get()
    {
        std::lock_guard lock(mutex);
        if (!park && error.empty()) {
            try {
                if (!session)
                    session = geo::ParkSession::open(source);
                geo::NullIssueSink kept; // the session keeps them: readIssues
                park = session->park({}, kept);
                issues = session->readIssues({});
            } catch (const std::exception& failure) {
                error = failure.what();
            }
        }
        if (!park)
            throw std::runtime_error(error);
        return park;
    }
};

namespace {

/// Lays the page out for the park and either draws it at `previewDpi` or writes it to `path`.
/// The notes are what reading the park and laying out the page said (layers left out, broken
/// features, the page's own warnings).
PageJobResult runPageJob(const std::shared_ptr<ExportMapDialog::ParkCache>& cache,
                         const render::PageLayout& layout, const QString& path, double dpi,
                         bool preview, const geo::CancelFlag& cancel)
{
    PageJobResult result;
    try {
        const std::shared_ptr<const geo::Park> park = cache->get();
        if (cancel.isCancelled()) {
            result.cancelled = true;
            return result;
        }
        const render::RoleStyleBook book =
            render::RoleStyleBook::load(render::RoleStyleBook::defaultDirectory());
        geo::IssueList issues;
        render::ParkPageOptions options;
        options.source = park->name;
        // A findings page: the check with the project's rules, as the panel and the CLI.
        const render::PageRenderer page = report::sessionPage(
            *cache->session, park, layout, book, options,
            cancel.asProgress(), issues);
        render::PageExportResult exported;
        if (preview) {
            result.image = page.renderImage(dpi, cancel, &exported);
        } else {
            const auto format = render::pageFormatFromPath(path);
            if (!format)
                throw std::runtime_error(
                    ExportMapDialog::tr("%1: not a .pdf, .svg or .png file").arg(path).toStdString());
            exported = page.exportTo(path, *format, dpi, cancel);
        }
        result.cancelled = exported.cancelled;
        std::vector<geo::Issue> all = cache->issues;
        for (const geo::Issue& issue : issues.issues())
            all.push_back(issue);
        result.notes = issueTexts(all) + exported.warnings;
    } catch (const geo::Cancelled&) {
        result.cancelled = true;
    } catch (const std::exception& failure) {
        result.error = QString::fromStdString(failure.what());
    }
    return result;
}

} // namespace

ExportMapDialog::ExportMapDialog(std::shared_ptr<geo::ParkSession> session,
                                 const geo::Envelope& view, QWidget* parent)
    : ExportMapDialog(
          QString::fromStdString(session ? session->definition().source : std::string()), view,
          parent)
{
    m_parkCache->session = std::move(session);
}

ExportMapDialog::ExportMapDialog(const QString& parkSource, const geo::Envelope& view,
                                 QWidget* parent)
    : QDialog(parent), m_source(parkSource), m_view(view),
      m_parkCache(std::make_shared<ParkCache>())
{
    setWindowTitle(tr("Export Map"));
    m_parkCache->source = parkSource.toStdString();
    const QString styles = render::RoleStyleBook::defaultDirectory();

    m_template = new QComboBox(this);
    m_template->addItem(tr("(none)"), QString());
    for (const QString& name : render::PageLayout::templateNames(styles, render::PageKind::Map))
        m_template->addItem(name, name);
    m_title = new QLineEdit(this);
    m_title->setPlaceholderText(tr("{park} is the park's name"));
    m_subtitle = new QLineEdit(this);
    m_organisation = new QLineEdit(this);
    m_paper = new QComboBox(this);
    for (const char* paper : {"A4", "A3", "A2", "A1", "A0"})
        m_paper->addItem(QString::fromLatin1(paper));
    m_paper->setCurrentText(QStringLiteral("A3"));
    m_orientation = new QComboBox(this);
    m_orientation->addItem(tr("Landscape"), true);
    m_orientation->addItem(tr("Portrait"), false);
    m_scale = new QSpinBox(this);
    m_scale->setRange(0, 10000000);
    m_scale->setSingleStep(500);
    m_scale->setPrefix(QStringLiteral("1:"));
    m_scale->setSpecialValueText(tr("fit (round scale)"));
    m_dpi = new QSpinBox(this);
    m_dpi->setRange(30, 1200);
    m_dpi->setValue(300);
    m_dpi->setSuffix(tr(" dpi"));
    m_currentView = new QCheckBox(tr("Only the current map view"), this);
    m_currentView->setEnabled(!view.isEmpty());
    m_grid = new QCheckBox(tr("Coordinate grid"), this);

    auto* form = new QFormLayout;
    form->addRow(tr("Template"), m_template);
    form->addRow(tr("Title"), m_title);
    form->addRow(tr("Subtitle"), m_subtitle);
    form->addRow(tr("Organisation"), m_organisation);
    form->addRow(tr("Paper"), m_paper);
    form->addRow(tr("Orientation"), m_orientation);
    form->addRow(tr("Scale"), m_scale);
    form->addRow(tr("Resolution"), m_dpi);
    form->addRow(QString(), m_currentView);
    form->addRow(QString(), m_grid);

    m_preview = new QLabel(this);
    m_preview->setMinimumSize(kPreviewWidthPx, kPreviewWidthPx * 297 / 420);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_preview->setText(tr("Preparing the preview…"));
    m_status = new QLabel(this);
    m_status->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_exportButton = buttons->addButton(tr("&Export…"), QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_exportButton, &QPushButton::clicked, this, &ExportMapDialog::chooseFileAndExport);

    auto* columns = new QHBoxLayout;
    columns->addLayout(form);
    columns->addWidget(m_preview, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    m_previewTimer = new QTimer(this);
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(kPreviewDelayMs);
    connect(m_previewTimer, &QTimer::timeout, this, &ExportMapDialog::startPreview);
    connect(&m_previewWatcher, &QFutureWatcher<PageJobResult>::finished, this,
            &ExportMapDialog::onPreviewFinished);
    connect(&m_exportWatcher, &QFutureWatcher<PageJobResult>::finished, this, [this] {
        const PageJobResult result = m_exportWatcher.result();
        m_exportButton->setEnabled(true);
        const QString error = result.cancelled ? tr("The export was cancelled.") : result.error;
        if (error.isEmpty())
            m_notes = result.notes;
        m_status->setText(
            error.isEmpty() ? tr("Wrote %1.").arg(QDir::toNativeSeparators(m_exportPath)) +
                                  (result.notes.isEmpty()
                                       ? QString()
                                       : QLatin1Char('\n') + result.notes.join(QLatin1Char('\n')))
                            : error);
        emit exportFinished(m_exportPath, error);
    });

    connect(m_template, &QComboBox::currentIndexChanged, this, &ExportMapDialog::applyTemplate);
    for (QLineEdit* edit : {m_title, m_subtitle, m_organisation})
        connect(edit, &QLineEdit::textChanged, this, &ExportMapDialog::schedulePreview);
    for (QComboBox* box : {m_paper, m_orientation})
        connect(box, &QComboBox::currentIndexChanged, this, &ExportMapDialog::schedulePreview);
    connect(m_scale, &QSpinBox::valueChanged, this, &ExportMapDialog::schedulePreview);
    for (QCheckBox* box : {m_currentView, m_grid})
        connect(box, &QCheckBox::toggled, this, &ExportMapDialog::schedulePreview);

    const int landUse = m_template->findData(QStringLiteral("用地现状图"));
    m_template->setCurrentIndex(landUse >= 0 ? landUse : 0);
    applyTemplate();
}

ExportMapDialog::~ExportMapDialog()
{
    // Workers hold what they need; never wait for them here.
    m_previewCancel.cancel();
}

void ExportMapDialog::applyTemplate()
{
    const QString name = m_template->currentData().toString();
    m_templateLayout = render::PageLayout();
    if (!name.isEmpty()) {
        try {
            m_templateLayout =
                render::PageLayout::loadTemplate(name, render::RoleStyleBook::defaultDirectory());
        } catch (const std::exception& failure) {
            m_status->setText(QString::fromStdString(failure.what()));
        }
    }
    const QSignalBlocker blockTitle(m_title), blockSubtitle(m_subtitle),
        blockOrganisation(m_organisation), blockPaper(m_paper), blockOrientation(m_orientation),
        blockScale(m_scale), blockGrid(m_grid);
    m_title->setText(m_templateLayout.title);
    m_subtitle->setText(m_templateLayout.subtitle);
    if (!m_templateLayout.organisation.isEmpty())
        m_organisation->setText(m_templateLayout.organisation);
    m_paper->setCurrentText(m_templateLayout.paper);
    m_orientation->setCurrentIndex(m_templateLayout.landscape ? 0 : 1);
    m_scale->setValue(static_cast<int>(m_templateLayout.scaleDenominator));
    m_grid->setChecked(m_templateLayout.grid);
    schedulePreview();
}

render::PageLayout ExportMapDialog::layout() const
{
    render::PageLayout layout = m_templateLayout;
    layout.title = m_title->text();
    layout.subtitle = m_subtitle->text();
    layout.organisation = m_organisation->text();
    layout.paper = m_paper->currentText();
    layout.landscape = m_orientation->currentData().toBool();
    layout.scaleDenominator = m_scale->value();
    layout.grid = m_grid->isChecked();
    if (m_currentView->isChecked() && !m_view.isEmpty())
        layout.extent = m_view;
    return layout;
}

void ExportMapDialog::schedulePreview()
{
    m_previewTimer->start();
}

void ExportMapDialog::startPreview()
{
    if (m_previewWatcher.isRunning()) {
        // One preview at a time: the running one stops, and this one follows it.
        m_previewCancel.cancel();
        m_previewPending = true;
        return;
    }
    m_previewPending = false;
    m_previewCancel = geo::CancelFlag();
    const render::PageLayout page = layout();
    const double dpi = kPreviewWidthPx / (page.pageSizeMm().width() / 25.4);
    auto cache = m_parkCache;
    m_previewWatcher.setFuture(QtConcurrent::run([cache, page, dpi, cancel = m_previewCancel] {
        return runPageJob(cache, page, QString(), dpi, true, cancel);
    }));
}

void ExportMapDialog::onPreviewFinished()
{
    const PageJobResult result = m_previewWatcher.result();
    if (m_previewPending) {
        startPreview();
        return;
    }
    if (result.cancelled)
        return;
    if (!result.error.isEmpty()) {
        m_preview->setText(tr("No preview: %1").arg(result.error));
        m_status->setText(result.error);
        return;
    }
    m_previewImage = result.image;
    m_preview->setPixmap(QPixmap::fromImage(result.image)
                             .scaled(m_preview->contentsRect().size(), Qt::KeepAspectRatio,
                                     Qt::SmoothTransformation));
    m_notes = result.notes;
    m_status->setText(result.notes.join(QLatin1Char('\n')));
    emit previewReady();
}

void ExportMapDialog::chooseFileAndExport()
{
    const QString base =
        m_title->text().isEmpty()
            ? QFileInfo(m_source).completeBaseName()
            : QString(m_title->text())
                  .replace(QStringLiteral("{park}"), QFileInfo(m_source).completeBaseName());
    const QString path = askSavePath(this, tr("Export Map"), base,
                                     {{tr("PDF, vector (*.pdf)"), QStringLiteral("pdf")},
                                      {tr("SVG, vector (*.svg)"), QStringLiteral("svg")},
                                      {tr("PNG image (*.png)"), QStringLiteral("png")}});
    if (!path.isEmpty())
        exportTo(path);
}

void ExportMapDialog::exportTo(const QString& path)
{
    if (m_exportWatcher.isRunning())
        return;
    m_exportPath = path;
    m_exportButton->setEnabled(false);
    m_status->setText(tr("Writing %1…").arg(QDir::toNativeSeparators(path)));
    const render::PageLayout page = layout();
    const double dpi = m_dpi->value();
    auto cache = m_parkCache;
    const geo::CancelFlag cancel;
    m_exportWatcher.setFuture(QtConcurrent::run([cache, page, path, dpi, cancel] {
        return runPageJob(cache, page, path, dpi, false, cancel);
    }));
}

} // namespace parkatlas::desktop
