// Parcel Sheet… (宗地图…, issue 19): right-click a plot of the sample park, the dialog previews
// the page `parkatlas sheet` draws and saves it as a PDF that reads back with the plot's number,
// its area in 亩 and its boundary points; several selected plots make one atlas; a save of many
// is cancelled and leaves nothing. Driven through the real window, offscreen.
#include "app/desktop/feature_selection.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"
#include "app/desktop/parcel_sheet_dialog.h"
#include "app/render/hit_test.h"
#include "geo/measure/boundary_points.h"
#include "geo/units.h"
#include "tests/support/window_session.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace parkatlas;
using namespace parkatlas::desktop;

namespace {

constexpr int kLoadTimeoutMs = 60000;
const QString kSamplePark = QStringLiteral(PARKATLAS_SAMPLE_DIR) + QStringLiteral("/park.gpkg");

/// The text of a PDF (pdftotext), white space removed; empty when pdftotext is missing.
QString pdfText(const QString& path)
{
    QProcess text;
    text.start(QStringLiteral("pdftotext"), {path, QStringLiteral("-")});
    if (!text.waitForFinished(60000))
        return {};
    return QString::fromUtf8(text.readAllStandardOutput())
        .remove(QRegularExpression(QStringLiteral("\\s+")));
}

/// The feature of the canvas layer `layer` whose parcel_id is `id`, or -1.
int featureWithId(const MainWindow& window, int layer, const QString& id)
{
    const geo::Layer& data = *window.canvas()->layers()[static_cast<std::size_t>(layer)].snapshot.layer;
    int field = -1;
    for (std::size_t f = 0; f < data.attributes.fields().size(); ++f)
        if (data.attributes.fields()[f].name == "parcel_id")
            field = static_cast<int>(f);
    if (field < 0)
        return -1;
    for (std::size_t i = 0; i < data.featureCount(); ++i)
        if (QString::fromStdString(data.attributes.text(i, field)) == id)
            return static_cast<int>(i);
    return -1;
}

/// Share of pixels that are not white.
double inkShare(const QImage& image)
{
    if (image.isNull())
        return 0;
    long long ink = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (qGray(image.pixel(x, y)) < 245)
                ++ink;
    return static_cast<double>(ink) / (static_cast<double>(image.width()) * image.height());
}

/// The window on the sample park showing its parcels alone, so a right-click finds a parcel.
std::unique_ptr<MainWindow> sampleWithParcelsOnly(int& parcels)
{
    auto window = openMainWindow({kSamplePark}, 1100, 760, kLoadTimeoutMs);
    if (!window)
        return nullptr;
    parcels = window->layerIndex(QStringLiteral("parcels"));
    for (std::size_t i = 0; i < window->canvas()->layers().size(); ++i)
        window->canvas()->setLayerVisible(i, static_cast<int>(i) == parcels);
    return window;
}

} // namespace

class ParcelSheetDialogTest : public QObject {
    Q_OBJECT
private slots:
    void rightClickAPlotPreviewsItsSheetAndSavesThePdf()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        int parcels = -1;
        auto window = sampleWithParcelsOnly(parcels);
        QVERIFY(window);
        QVERIFY(parcels >= 0);
        auto* launcher = window->findChild<ParcelSheetLauncher*>();
        QVERIFY(launcher);
        QVERIFY(!launcher->action()->isEnabled()); // nothing selected yet

        // Right-click inside plot QL2011-001 (the sample plot the CLI's sheet test draws).
        const int plot = featureWithId(*window, parcels, QStringLiteral("QL2011-001"));
        QVERIFY(plot >= 0);
        const geo::Layer& data =
            *window->canvas()->layers()[static_cast<std::size_t>(parcels)].snapshot.layer;
        const geo::Envelope e = data.geometry.envelope(static_cast<std::size_t>(plot));
        window->canvas()->setExtent({e.minX - 200, e.minY - 200, e.maxX + 200, e.maxY + 200});
        const double x = (e.minX + e.maxX) / 2, y = (e.minY + e.maxY) / 2;
        QVERIFY(render::featureContains(data.geometry, static_cast<std::size_t>(plot), x, y, 0));
        const QPoint pixel = window->canvas()->view().toPixel(x, y).toPoint();
        std::unique_ptr<QMenu> menu(launcher->contextMenuAt(pixel));
        QVERIFY(menu);
        // The plot is selected, and the menu offers its sheet.
        QCOMPARE(window->selection()->count(), std::size_t(1));
        QVERIFY(window->selection()->contains(static_cast<std::size_t>(parcels),
                                              static_cast<std::uint32_t>(plot)));
        QVERIFY(launcher->action()->isEnabled());
        auto* sheetAction = menu->findChild<QAction*>(QStringLiteral("parcelSheetContextAction"));
        QVERIFY(sheetAction);
        sheetAction->trigger();
        ParcelSheetDialog* dialog = launcher->dialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->fids().size(), std::size_t(1));
        QCOMPARE(dialog->fids()[0], data.fids[static_cast<std::size_t>(plot)]);

        // The preview: an A4 portrait page with the sheet drawn on it, from the shipped template.
        QSignalSpy previews(dialog, &ParcelSheetDialog::previewReady);
        QVERIFY(previews.wait(kLoadTimeoutMs));
        QCOMPARE(dialog->templateBox()->currentText(), QStringLiteral("宗地图"));
        QVERIFY(dialog->previewImage().height() > dialog->previewImage().width());
        QVERIFY2(inkShare(dialog->previewImage()) > 0.03,
                 qPrintable(QString::number(inkShare(dialog->previewImage()))));
        QVERIFY(!dialog->previewLabel()->pixmap().isNull());
        QTRY_COMPARE_WITH_TIMEOUT(dialog->plotBox()->currentText(), QStringLiteral("QL2011-001"),
                                  kLoadTimeoutMs);

        // A change redraws it: A3 is the same page, larger.
        dialog->organisationEdit()->setText(QStringLiteral("青鸾湖自然资源所"));
        dialog->dateEdit()->setText(QStringLiteral("2026年12月4日"));
        QVERIFY(previews.wait(kLoadTimeoutMs));
        while (previews.wait(800)) {
        }
        QCOMPARE(dialog->options().layout.organisation, QStringLiteral("青鸾湖自然资源所"));
        if (qEnvironmentVariableIsSet("PARKATLAS_TEST_SHOTS")) // to look at it
            dialog->grab().save(qEnvironmentVariable("PARKATLAS_TEST_SHOTS") +
                                "/parcel_sheet_dialog.png");

        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        const QString path = directory.filePath(QStringLiteral("宗地图.pdf"));
        QSignalSpy saved(dialog, &ParcelSheetDialog::saveFinished);
        dialog->saveTo(path);
        QVERIFY(saved.wait(kLoadTimeoutMs));
        QCOMPARE(saved.at(0).at(1).toString(), QString());
        QCOMPARE(saved.at(0).at(2).toBool(), false);
        QCOMPARE(QDir(directory.path()).entryList(QDir::Files), QStringList{"宗地图.pdf"});
        const QString text = pdfText(path);
        if (text.isEmpty())
            QSKIP("pdftotext (poppler-utils) is missing");
        QVERIFY2(text.contains(QStringLiteral("QL2011-001")), qPrintable(text.left(400)));
        QVERIFY(text.contains(QStringLiteral("青鸾湖自然资源所")));
        // The area in 亩 as the window measures the selection (ellipsoidal), to 0.0001.
        const double mu = geo::muFromM2(window->selectedAreaM2());
        const QString muText = QString::number(mu, 'f', 4) + QStringLiteral("亩");
        QVERIFY2(text.contains(muText), qPrintable(muText + QStringLiteral(" in ") + text));
        // Its boundary points J1 … one per vertex of its ring.
        const std::size_t points =
            geo::boundaryPoints(data.geometry, static_cast<std::size_t>(plot), 1.0).pointCount();
        QVERIFY(points >= 4);
        for (std::size_t j = 1; j <= points; ++j)
            QVERIFY2(text.contains(QStringLiteral("J%1").arg(j)), qPrintable(QString::number(j)));
        dialog->close();
    }

    void severalSelectedPlotsMakeOneAtlasAndALongSaveCancels()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        int parcels = -1;
        auto window = sampleWithParcelsOnly(parcels);
        QVERIFY(window);
        auto* launcher = window->findChild<ParcelSheetLauncher*>();
        QVERIFY(launcher);
        FeatureSelection::Features three;
        for (const char* id : {"QL2011-001", "QL2011-002", "QL2011-003"}) {
            const int feature = featureWithId(*window, parcels, QString::fromLatin1(id));
            QVERIFY(feature >= 0);
            three.push_back(static_cast<std::uint32_t>(feature));
        }
        window->selection()->setLayerSelection(static_cast<std::size_t>(parcels), three);
        QVERIFY(launcher->action()->isEnabled());
        launcher->action()->trigger(); // Tools > Parcel Sheet…
        ParcelSheetDialog* dialog = launcher->dialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->fids().size(), std::size_t(3));
        QCOMPARE(dialog->plotBox()->count(), 3);

        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        const QString atlas = directory.filePath(QStringLiteral("atlas.pdf"));
        QSignalSpy saved(dialog, &ParcelSheetDialog::saveFinished);
        dialog->saveTo(atlas);
        QVERIFY(saved.wait(kLoadTimeoutMs));
        QCOMPARE(saved.at(0).at(1).toString(), QString());
        const QString text = pdfText(atlas);
        if (text.isEmpty())
            QSKIP("pdftotext (poppler-utils) is missing");
        for (const char* id : {"QL2011-001", "QL2011-002", "QL2011-003"})
            QVERIFY2(text.contains(QString::fromLatin1(id)), id);
        QCOMPARE(text.count(QStringLiteral("界址点成果表")), 3);

        // Every parcel: the save shows its progress and stops on Cancel, writing nothing.
        window->selection()->setLayerSelection(
            static_cast<std::size_t>(parcels),
            [&] {
                FeatureSelection::Features all(
                    window->canvas()->layers()[static_cast<std::size_t>(parcels)]
                        .snapshot.layer->featureCount());
                for (std::size_t i = 0; i < all.size(); ++i)
                    all[i] = static_cast<std::uint32_t>(i);
                return all;
            }());
        QVERIFY(launcher->openForSelection());
        dialog = launcher->dialog();
        QVERIFY(dialog->fids().size() > 100);
        const QString many = directory.filePath(QStringLiteral("many.pdf"));
        QSignalSpy cancelled(dialog, &ParcelSheetDialog::saveFinished);
        dialog->saveTo(many);
        QVERIFY(dialog->isSaving());
        QVERIFY(dialog->progressBar()->isVisible());
        QVERIFY(dialog->cancelButton()->isEnabled());
        QVERIFY(!dialog->saveButton()->isEnabled());
        QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
        QVERIFY(cancelled.wait(kLoadTimeoutMs));
        QCOMPARE(cancelled.at(0).at(2).toBool(), true);
        QVERIFY(!QFile::exists(many));
        QCOMPARE(QDir(directory.path()).entryList(QDir::Files), QStringList{"atlas.pdf"});
        QVERIFY(!dialog->progressBar()->isVisible());
        QVERIFY(dialog->saveButton()->isEnabled());
    }

    void noContextMenuOffAPlotOrWithAnotherTool()
    {
        if (!QFile::exists(kSamplePark))
            QSKIP("data/sample/park.gpkg is not generated yet");
        int parcels = -1;
        auto window = sampleWithParcelsOnly(parcels);
        QVERIFY(window);
        auto* launcher = window->findChild<ParcelSheetLauncher*>();
        QVERIFY(launcher);
        // Far outside the park: nothing there.
        const geo::Envelope full = window->canvas()->fullExtent();
        window->canvas()->setExtent({full.maxX + 5000, full.maxY + 5000, full.maxX + 6000,
                                     full.maxY + 6000});
        QVERIFY(!launcher->contextMenuAt(QPoint(50, 50)));
        QCOMPARE(window->selection()->count(), std::size_t(0));
        // The measure tool has the mouse: no menu over a plot either.
        const int plot = featureWithId(*window, parcels, QStringLiteral("QL2011-001"));
        const geo::Layer& data =
            *window->canvas()->layers()[static_cast<std::size_t>(parcels)].snapshot.layer;
        const geo::Envelope e = data.geometry.envelope(static_cast<std::size_t>(plot));
        window->canvas()->setExtent({e.minX - 200, e.minY - 200, e.maxX + 200, e.maxY + 200});
        const QPoint pixel =
            window->canvas()->view().toPixel((e.minX + e.maxX) / 2, (e.minY + e.maxY) / 2).toPoint();
        window->canvas()->setTool(MapCanvas::Tool::MeasureDistance);
        QVERIFY(!launcher->contextMenuAt(pixel));
        window->canvas()->setTool(MapCanvas::Tool::Identify);
        std::unique_ptr<QMenu> menu(launcher->contextMenuAt(pixel));
        QVERIFY(menu);
    }
};

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    // Settings (recent files, language) and edit journals in folders of their own.
    QTemporaryDir settings;
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings.path());
    QApplication::setOrganizationName(QStringLiteral("ParkAtlasParcelSheetTests"));
    qputenv("XDG_DATA_HOME", settings.path().toUtf8());
    ParcelSheetDialogTest test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_parcel_sheet_dialog.moc"
