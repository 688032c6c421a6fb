#include "app/desktop/parcel_sheet_dialog.h"

#include "app/desktop/feature_selection.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"
#include "app/desktop/save_dialog.h"
#include "app/render/hit_test.h"
#include "app/render/role_style_book.h"
#include "geo/error.h"
#include "geo/issue.h"
#include "geo/session/park_session.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>
#include <mutex>
#include <unordered_map>

namespace parkatlas::desktop {

namespace {

constexpr int kPreviewWidthPx = 460;
constexpr int kPreviewDelayMs = 250;
constexpr const char* kSheetTemplate = "宗地图";

} // namespace

struct ParcelSheetDialog::BookCache {
    std::shared_ptr<geo::ParkSession> session;
    geo::Role role = geo::Role::Parcels;
    std::vector<std::int64_t> fids;
    std::mutex mutex;
    std::shared_ptr<const geo::Park> park;
    std::vector<std::size_t> rows; // the plots' rows in the park's layer, in the order chosen
    QStringList notes;             // FIDs not found
    std::string error;

    struct Loaded {
        std::shared_ptr<const geo::Park> park;
        std::vector<std::size_t> rows;
        QStringList notes;
    };

    /// The park with the plots' layer and the roads (read once for the session, on the first
    /// call, on a worker) and the plots' rows; throws std::runtime_error with the reader's
    /// message when it cannot be read.
    Loaded get()
    {
        std::lock_guard lock(mutex);
        if (!park && error.empty()) {
            try {
                if (!session)
                    throw std::runtime_error(
                        ParcelSheetDialog::tr("no park is open").toStdString());
                geo::NullIssueSink kept; // the session keeps them, and the window showed them
                park = session->park({role, geo::Role::Roads}, kept);
                const geo::ParkLayer* layer = park->layer(role);
                if (!layer)
                    throw std::runtime_error(ParcelSheetDialog::tr("the park has no %1 layer")
                                                 .arg(QString::fromUtf8(geo::toString(role)))
                                                 .toStdString());
                std::unordered_map<std::int64_t, std::size_t> rowOf;
                const std::vector<std::int64_t>& all = layer->layer->fids;
                rowOf.reserve(all.size());
                for (std::size_t i = 0; i < all.size(); ++i)
                    rowOf.emplace(all[i], i);
                for (const std::int64_t fid : fids) {
                    const auto found = rowOf.find(fid);
                    if (found == rowOf.end())
                        notes.append(ParcelSheetDialog::tr("FID %1 is not in the park's %2 layer "
                                                           "(left out)")
                                         .arg(fid)
                                         .arg(QString::fromUtf8(geo::toString(role))));
                    else
                        rows.push_back(found->second);
                }
                if (rows.empty())
                    throw std::runtime_error(
                        ParcelSheetDialog::tr("none of the plots is in the park's %1 layer")
                            .arg(QString::fromUtf8(geo::toString(role)))
                            .toStdString());
            } catch (const std::exception& failure) {
                park.reset();
                rows.clear();
                error = failure.what();
            }
        }
        if (!park)
            throw std::runtime_error(error);
        return {park, rows, notes};
    }
};

namespace {

/// Draws page `page` of the sheet of the `plot`th chosen plot at `widthPx` wide.
SheetJobResult previewJob(const std::shared_ptr<ParcelSheetDialog::BookCache>& cache,
                          const render::ParcelSheetOptions& options, int plot, int page,
                          int widthPx, const geo::CancelFlag& cancel)
{
    SheetJobResult result;
    try {
        const auto loaded = cache->get();
        result.notes = loaded.notes;
        if (cancel.isCancelled()) {
            result.cancelled = true;
            return result;
        }
        const render::ParcelSheetBook book(loaded.park, cache->role, options);
        const std::size_t row =
            loaded.rows[std::clamp<std::size_t>(static_cast<std::size_t>(std::max(plot, 0)), 0,
                                                loaded.rows.size() - 1)];
        const render::ParcelSheet sheet = book.sheet(row);
        result.pages = book.pageCount(sheet);
        for (const QString& problem : sheet.problems)
            result.notes.append(sheet.plotId + QStringLiteral(": ") + problem);
        if (cancel.isCancelled()) {
            result.cancelled = true;
            return result;
        }
        const double dpi = widthPx / (book.pageSizeMm().width() / 25.4);
        result.image = book.renderImage(sheet, std::clamp(page, 0, result.pages - 1), dpi);
    } catch (const std::exception& failure) {
        result.error = QString::fromStdString(failure.what());
    }
    return result;
}

SheetJobResult saveJob(const std::shared_ptr<ParcelSheetDialog::BookCache>& cache,
                       const render::ParcelSheetOptions& options, const QString& path,
                       const geo::CancelFlag& cancel,
                       const std::shared_ptr<std::atomic<int>>& progress)
{
    SheetJobResult result;
    try {
        const auto loaded = cache->get();
        result.notes = loaded.notes;
        const render::ParcelSheetBook book(loaded.park, cache->role, options);
        const auto written = book.writePdf(path, loaded.rows, [&](double done) {
            progress->store(static_cast<int>(done * 1000));
            return !cancel.isCancelled();
        });
        if (!written)
            result.cancelled = true;
        else
            result.written = *written;
    } catch (const std::exception& failure) {
        result.error = QString::fromStdString(failure.what());
    }
    return result;
}

} // namespace

ParcelSheetDialog::ParcelSheetDialog(std::shared_ptr<geo::ParkSession> session, geo::Role role,
                                     std::vector<std::int64_t> fids, QWidget* parent)
    : QDialog(parent), m_fids(std::move(fids)), m_cache(std::make_shared<BookCache>()),
      m_saveProgress(std::make_shared<std::atomic<int>>(0))
{
    setWindowTitle(tr("Parcel Sheet"));
    m_cache->session = std::move(session);
    m_cache->role = role;
    m_cache->fids = m_fids;
    const QString styles = render::RoleStyleBook::defaultDirectory();

    m_template = new QComboBox(this);
    m_template->addItem(tr("(none)"), QString());
    for (const QString& name :
         render::PageLayout::templateNames(styles, render::PageKind::ParcelSheet))
        m_template->addItem(name, name);
    m_title = new QLineEdit(this);
    m_title->setPlaceholderText(QStringLiteral("宗地图"));
    m_paper = new QComboBox(this);
    m_paper->addItems({QStringLiteral("A4"), QStringLiteral("A3")});
    m_organisation = new QLineEdit(this);
    m_organisation->setPlaceholderText(tr("the drawing organisation (制图单位)"));
    m_date = new QLineEdit(this);
    m_date->setPlaceholderText(tr("today"));
    m_scale = new QSpinBox(this);
    m_scale->setRange(0, 10000000);
    m_scale->setSingleStep(100);
    m_scale->setPrefix(QStringLiteral("1:"));
    m_scale->setSpecialValueText(tr("fit (round scale)"));
    m_plot = new QComboBox(this);
    m_plot->setObjectName(QStringLiteral("plotBox"));
    m_page = new QSpinBox(this);
    m_page->setRange(1, 1);

    auto* form = new QFormLayout;
    form->addRow(tr("Template"), m_template);
    form->addRow(tr("Title"), m_title);
    form->addRow(tr("Paper"), m_paper);
    form->addRow(tr("Organisation"), m_organisation);
    form->addRow(tr("Date"), m_date);
    form->addRow(tr("Scale"), m_scale);
    form->addRow(tr("Preview of"), m_plot);
    form->addRow(tr("Page"), m_page);
    auto* count = new QLabel(tr("%n plot(s): one sheet each, in one PDF", nullptr,
                                static_cast<int>(m_fids.size())),
                             this);
    count->setWordWrap(true);
    form->addRow(QString(), count);

    m_preview = new QLabel(this);
    m_preview->setMinimumSize(kPreviewWidthPx * 3 / 4, kPreviewWidthPx * 3 / 4 * 297 / 210);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_preview->setText(tr("Preparing the preview…"));
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->hide();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_saveButton = buttons->addButton(tr("&Save PDF…"), QDialogButtonBox::AcceptRole);
    m_cancelButton = buttons->addButton(tr("Cancel Saving"), QDialogButtonBox::ActionRole);
    m_cancelButton->setEnabled(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_saveButton, &QPushButton::clicked, this, &ParcelSheetDialog::chooseFileAndSave);
    connect(m_cancelButton, &QPushButton::clicked, this, &ParcelSheetDialog::cancelSave);

    auto* columns = new QHBoxLayout;
    columns->addLayout(form);
    columns->addWidget(m_preview, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(m_status);
    layout->addWidget(m_progress);
    layout->addWidget(buttons);

    m_previewTimer = new QTimer(this);
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(kPreviewDelayMs);
    connect(m_previewTimer, &QTimer::timeout, this, &ParcelSheetDialog::startPreview);
    m_progressTimer = new QTimer(this);
    m_progressTimer->setInterval(100);
    connect(m_progressTimer, &QTimer::timeout, this,
            [this] { m_progress->setValue(m_saveProgress->load()); });
    connect(&m_previewWatcher, &QFutureWatcher<SheetJobResult>::finished, this,
            &ParcelSheetDialog::onPreviewFinished);
    connect(&m_saveWatcher, &QFutureWatcher<SheetJobResult>::finished, this,
            &ParcelSheetDialog::onSaveFinished);

    connect(m_template, &QComboBox::currentIndexChanged, this, &ParcelSheetDialog::applyTemplate);
    for (QLineEdit* edit : {m_title, m_organisation, m_date})
        connect(edit, &QLineEdit::textChanged, this, &ParcelSheetDialog::schedulePreview);
    connect(m_paper, &QComboBox::currentIndexChanged, this, &ParcelSheetDialog::schedulePreview);
    connect(m_scale, &QSpinBox::valueChanged, this, &ParcelSheetDialog::schedulePreview);
    connect(m_plot, &QComboBox::currentIndexChanged, this, [this] {
        const QSignalBlocker block(m_page);
        m_page->setValue(1);
        schedulePreview();
    });
    connect(m_page, &QSpinBox::valueChanged, this, &ParcelSheetDialog::schedulePreview);

    // The plots by FID until the park is read; then by their numbers.
    for (std::size_t i = 0; i < m_fids.size(); ++i)
        m_plot->addItem(QStringLiteral("FID %1").arg(m_fids[i]));
    if (auto cache = m_cache; !m_fids.empty()) {
        auto* names = new QFutureWatcher<QStringList>(this);
        connect(names, &QFutureWatcher<QStringList>::finished, this, [this, names] {
            const QStringList ids = names->result();
            names->deleteLater();
            for (int i = 0; i < ids.size() && i < m_plot->count(); ++i)
                m_plot->setItemText(i, ids[i]);
        });
        names->setFuture(QtConcurrent::run([cache]() -> QStringList {
            QStringList ids;
            try {
                const auto loaded = cache->get();
                const geo::ParkLayer& layer = *loaded.park->layer(cache->role);
                const int idField = layer.field(render::plotIdFieldOf(cache->role));
                for (const std::size_t row : loaded.rows)
                    ids.append(
                        idField >= 0 && !layer.layer->attributes.isUnknown(row, idField)
                            ? QString::fromStdString(layer.layer->attributes.text(row, idField))
                            : QStringLiteral("FID %1").arg(layer.layer->fids[row]));
            } catch (const std::exception&) {
                // The preview says why.
            }
            return ids;
        }));
    }

    const int sheet = m_template->findData(QString::fromUtf8(kSheetTemplate));
    m_template->setCurrentIndex(sheet >= 0 ? sheet : 0);
    applyTemplate();
}

ParcelSheetDialog::~ParcelSheetDialog()
{
    // Workers hold what they need; never wait for them here. A save still running is stopped
    // and writes nothing.
    m_previewCancel.cancel();
    m_saveCancel.cancel();
}

void ParcelSheetDialog::applyTemplate()
{
    const QString name = m_template->currentData().toString();
    m_templateLayout = render::defaultParcelSheetLayout();
    if (!name.isEmpty()) {
        try {
            m_templateLayout =
                render::PageLayout::loadTemplate(name, render::RoleStyleBook::defaultDirectory());
        } catch (const std::exception& failure) {
            m_status->setText(QString::fromStdString(failure.what()));
        }
    }
    const QSignalBlocker blockTitle(m_title), blockOrganisation(m_organisation),
        blockPaper(m_paper), blockDate(m_date), blockScale(m_scale);
    m_title->setText(m_templateLayout.title);
    if (!m_templateLayout.organisation.isEmpty())
        m_organisation->setText(m_templateLayout.organisation);
    if (!m_templateLayout.date.isEmpty())
        m_date->setText(m_templateLayout.date);
    m_paper->setCurrentText(m_templateLayout.paper == QLatin1String("A3") ? QStringLiteral("A3")
                                                                          : QStringLiteral("A4"));
    m_scale->setValue(static_cast<int>(m_templateLayout.scaleDenominator));
    schedulePreview();
}

render::ParcelSheetOptions ParcelSheetDialog::options() const
{
    render::ParcelSheetOptions options;
    options.layout = m_templateLayout;
    options.layout.title = m_title->text().trimmed().isEmpty() ? QStringLiteral("宗地图")
                                                               : m_title->text().trimmed();
    options.layout.paper = m_paper->currentText();
    options.layout.landscape = false;
    options.layout.organisation = m_organisation->text().trimmed();
    options.layout.date = m_date->text().trimmed();
    options.layout.scaleDenominator = m_scale->value();
    return options;
}

void ParcelSheetDialog::schedulePreview()
{
    m_previewTimer->start();
}

void ParcelSheetDialog::startPreview()
{
    if (m_previewWatcher.isRunning()) {
        // One preview at a time: the running one stops, and this one follows it.
        m_previewCancel.cancel();
        m_previewPending = true;
        return;
    }
    if (m_fids.empty()) {
        m_preview->setText(tr("No plot chosen."));
        return;
    }
    m_previewPending = false;
    m_previewCancel = geo::CancelFlag();
    m_previewWatcher.setFuture(
        QtConcurrent::run([cache = m_cache, options = options(), plot = m_plot->currentIndex(),
                           page = m_page->value() - 1, cancel = m_previewCancel] {
            return previewJob(cache, options, plot, page, kPreviewWidthPx, cancel);
        }));
}

void ParcelSheetDialog::onPreviewFinished()
{
    const SheetJobResult result = m_previewWatcher.result();
    if (m_previewPending) {
        startPreview();
        return;
    }
    if (result.cancelled)
        return;
    if (!result.error.isEmpty()) {
        m_preview->setText(tr("No preview: %1").arg(result.error));
        m_status->setText(result.error);
        m_saveButton->setEnabled(false);
        return;
    }
    {
        const QSignalBlocker block(m_page);
        m_page->setRange(1, std::max(1, result.pages));
    }
    m_previewImage = result.image;
    m_preview->setPixmap(QPixmap::fromImage(result.image)
                             .scaled(m_preview->contentsRect().size(), Qt::KeepAspectRatio,
                                     Qt::SmoothTransformation));
    if (!isSaving())
        m_status->setText(result.notes.join(QLatin1Char('\n')));
    emit previewReady();
}

void ParcelSheetDialog::chooseFileAndSave()
{
    const QString base = m_plot->count() == 1
                             ? m_title->text() + QLatin1Char(' ') + m_plot->itemText(0)
                             : m_title->text();
    const QString path = askSavePath(this, tr("Save Parcel Sheets"),
                                     base.trimmed().isEmpty() ? QStringLiteral("宗地图") : base,
                                     {{tr("PDF (*.pdf)"), QStringLiteral("pdf")}});
    if (!path.isEmpty())
        saveTo(path);
}

void ParcelSheetDialog::saveTo(const QString& path)
{
    if (isSaving() || m_fids.empty())
        return;
    m_savePath = path;
    m_saveCancel = geo::CancelFlag();
    m_saveProgress->store(0);
    m_saveButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_progress->setValue(0);
    m_progress->show();
    m_progressTimer->start();
    m_status->setText(tr("Writing %n sheet(s) to %1…", nullptr, static_cast<int>(m_fids.size()))
                          .arg(QDir::toNativeSeparators(path)));
    m_saveWatcher.setFuture(QtConcurrent::run(
        [cache = m_cache, options = options(), path, cancel = m_saveCancel,
         progress = m_saveProgress] { return saveJob(cache, options, path, cancel, progress); }));
}

void ParcelSheetDialog::cancelSave()
{
    m_saveCancel.cancel();
}

void ParcelSheetDialog::onSaveFinished()
{
    const SheetJobResult result = m_saveWatcher.result();
    m_progressTimer->stop();
    m_progress->hide();
    m_saveButton->setEnabled(true);
    m_cancelButton->setEnabled(false);
    QString text;
    if (result.cancelled)
        text = tr("Cancelled: nothing was written.");
    else if (!result.error.isEmpty())
        text = result.error;
    else
        text = tr("Wrote %1 (%n page(s)).", nullptr, static_cast<int>(result.written))
                   .arg(QDir::toNativeSeparators(m_savePath));
    if (!result.notes.isEmpty())
        text += QLatin1Char('\n') + result.notes.join(QLatin1Char('\n'));
    m_status->setText(text);
    emit saveFinished(m_savePath, result.error, result.cancelled);
}

// ---------------------------------------------------------------------------------------------

ParcelSheetLauncher::ParcelSheetLauncher(MainWindow* window, QMenu* menu)
    : QObject(window), m_window(window)
{
    m_action = menu->addAction(tr("&Parcel Sheet…"), this, [this] { openForSelection(); });
    m_action->setObjectName(QStringLiteral("parcelSheetAction"));
    m_action->setToolTip(tr("宗地图 and 界址点成果表 of the selected plots"));
    connect(window->selection(), &FeatureSelection::changed, this,
            &ParcelSheetLauncher::updateAction);
    connect(window, &MainWindow::loadFinished, this, &ParcelSheetLauncher::updateAction);
    updateAction();
    MapCanvas* canvas = window->canvas();
    canvas->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(canvas, &QWidget::customContextMenuRequested, this, [this, canvas](QPoint position) {
        if (QMenu* menu = contextMenuAt(position)) {
            menu->exec(canvas->mapToGlobal(position));
            delete menu;
        }
    });
}

std::pair<int, std::vector<std::uint32_t>> ParcelSheetLauncher::selectedPlots() const
{
    if (!m_window->parkSession())
        return {-1, {}};
    const auto& layers = m_window->canvas()->layers();
    for (const auto& [layer, features] : m_window->selection()->layers())
        if (layer < layers.size() && !features.empty() &&
            layers[layer].snapshot.layer->geometry.kind() == geo::GeometryKind::Polygon &&
            m_window->roleOf(static_cast<int>(layer)))
            return {static_cast<int>(layer), features};
    return {-1, {}};
}

void ParcelSheetLauncher::updateAction()
{
    const auto [layer, features] = selectedPlots();
    m_action->setEnabled(layer >= 0);
    m_action->setText(layer >= 0 ? tr("&Parcel Sheet (%n plot(s))…", nullptr,
                                      static_cast<int>(features.size()))
                                 : tr("&Parcel Sheet…"));
}

bool ParcelSheetLauncher::openForSelection()
{
    const auto [layer, features] = selectedPlots();
    if (layer < 0)
        return false;
    open(layer, features);
    return true;
}

void ParcelSheetLauncher::open(int layer, const std::vector<std::uint32_t>& features)
{
    const auto role = m_window->roleOf(layer);
    if (!role)
        return;
    const geo::Layer& data = *m_window->canvas()->layers()[static_cast<std::size_t>(layer)]
                                  .snapshot.layer;
    std::vector<std::int64_t> fids;
    fids.reserve(features.size());
    for (const std::uint32_t feature : features)
        if (feature < data.fids.size())
            fids.push_back(data.fids[feature]);
    // A dialog still open (perhaps saving) stays: each is on its own plots.
    m_dialog = new ParcelSheetDialog(m_window->parkSession(), *role, std::move(fids), m_window);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog->show();
}

QMenu* ParcelSheetLauncher::contextMenuAt(QPoint canvasPosition)
{
    MapCanvas* canvas = m_window->canvas();
    if (canvas->canvasTool() || canvas->tool() != MapCanvas::Tool::Identify ||
        !m_window->parkSession())
        return nullptr;
    const QPointF at = canvas->toMap(canvasPosition);
    const auto& layers = canvas->layers();
    const std::vector<std::size_t>& order = canvas->drawingOrder();
    // The topmost plot (a polygon of a layer with a role) under the pointer.
    for (auto top = order.rbegin(); top != order.rend(); ++top) {
        const std::size_t layer = *top;
        if (layer >= layers.size() || !layers[layer].visible ||
            layers[layer].snapshot.isRaster() ||
            layers[layer].snapshot.layer->geometry.kind() != geo::GeometryKind::Polygon ||
            !m_window->roleOf(static_cast<int>(layer)))
            continue;
        const render::LayerSnapshot& snapshot = layers[layer].snapshot;
        const geo::GeometryStore& store = snapshot.layer->geometry;
        const geo::Envelope point{at.x(), at.y(), at.x(), at.y()};
        std::vector<std::size_t> hits =
            render::featuresIntersecting(store, point, snapshot.index.get());
        hits.erase(std::remove_if(hits.begin(), hits.end(),
                                  [&](std::size_t feature) {
                                      return !render::featureContains(store, feature, at.x(),
                                                                      at.y(), 0);
                                  }),
                   hits.end());
        if (hits.empty())
            continue;
        const auto feature = static_cast<std::uint32_t>(hits.back()); // drawn last: on top
        FeatureSelection* selection = m_window->selection();
        std::vector<std::uint32_t> plots;
        if (selection->contains(layer, feature)) {
            plots = selection->features(layer);
        } else {
            selection->setSelection({{layer, {feature}}});
            plots = {feature};
        }
        auto* menu = new QMenu(canvas);
        QAction* sheet =
            menu->addAction(tr("Parcel &Sheet (%n plot(s))…", nullptr,
                               static_cast<int>(plots.size())),
                            this, [this, layer, plots] { open(static_cast<int>(layer), plots); });
        sheet->setObjectName(QStringLiteral("parcelSheetContextAction"));
        return menu;
    }
    return nullptr;
}

} // namespace parkatlas::desktop
