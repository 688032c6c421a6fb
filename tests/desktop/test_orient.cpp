// Find and orient (issue 25, item 5): bookmarks kept in the project file, the scale bar and north
// arrow over the canvas, the land-use legend under its layer in the Layers panel, ledger rows
// that show on the map what they sum. Driven through the real window, offscreen.
#include "app/desktop/application.h"
#include "app/desktop/bookmarks_dialog.h"
#include "app/desktop/feature_selection.h"
#include "app/desktop/layers_panel.h"
#include "app/desktop/ledger_panel.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"
#include "app/desktop/map_decorations.h"
#include "geo/crs/transform.h"
#include "geo/measure/ellipsoid.h"
#include "geo/model/park.h"
#include "tests/desktop/answer_modal.h"
#include "tests/support/window_session.h"

#include <QAction>
#include <QFile>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numbers>
#include <optional>
#include <set>

using namespace parkatlas;
using namespace parkatlas::desktop;

namespace {

constexpr int kLoadTimeoutMs = 30000;
const QString kSampleDir = QStringLiteral(PARKATLAS_SAMPLE_DIR);

/// True when `length` is 1, 2 or 5 × 10ⁿ.
bool isRound(double length)
{
    const double power = std::pow(10.0, std::floor(std::log10(length) + 1e-9));
    const double mantissa = length / power;
    return std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 2) < 1e-9 ||
           std::abs(mantissa - 5) < 1e-9;
}

bool isDark(QRgb pixel)
{
    return qRed(pixel) < 90 && qGreen(pixel) < 90 && qBlue(pixel) < 90;
}

int darkPixels(const QImage& image, const QRect& box)
{
    int count = 0;
    for (int y = box.top(); y <= box.bottom(); ++y)
        for (int x = box.left(); x <= box.right(); ++x)
            count += image.valid(x, y) && isDark(image.pixel(x, y)) ? 1 : 0;
    return count;
}

/// The longest run of dark pixels along row `y` of `image` starting within `from` … `to`.
std::pair<int, int> darkRun(const QImage& image, int y, int from, int to)
{
    std::pair<int, int> best{-1, -2};
    for (int x = from; x <= to; ++x) {
        if (!isDark(image.pixel(x, y)))
            continue;
        int end = x;
        while (end + 1 < image.width() && isDark(image.pixel(end + 1, y)))
            ++end;
        if (end - x > best.second - best.first)
            best = {x, end};
        x = end;
    }
    return best;
}

/// Answers the next QInputDialog with `text`.
void answerInputDialog(const QString& text)
{
    parkatlas::testing::answerModal([=](QWidget* modal) {
        auto* input = qobject_cast<QInputDialog*>(modal);
        if (!input)
            return false;
        input->setTextValue(text);
        input->accept();
        return true;
    });
}

QJsonObject readJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

void shoot(QWidget* widget, const QString& name)
{
    if (qEnvironmentVariableIsSet("PARKATLAS_TEST_SHOTS"))
        widget->grab().save(qEnvironmentVariable("PARKATLAS_TEST_SHOTS") + "/" + name);
}

} // namespace

class OrientTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> openWindow(const QStringList& sources)
    {
        return openMainWindow(sources, 1000, 700, kLoadTimeoutMs);
    }

private slots:
    void initTestCase() { installApplicationFonts(); }

    void bookmarksRoundTripThroughTheProjectFile()
    {
        QTemporaryDir dir;
        QVERIFY(QFile::copy(kSampleDir + QStringLiteral("/park.gpkg"), dir.filePath("park.gpkg")));
        const QString project = dir.filePath(QStringLiteral("park.parkatlas.json"));
        std::vector<geo::Envelope> kept;
        {
            auto window = openWindow({dir.filePath("park.gpkg")});
            QVERIFY(window);
            QVERIFY(!QFile::exists(project));
            window->findChild<QAction*>(QStringLiteral("bookmarksAction"))->trigger();
            BookmarksDialog* dialog = window->bookmarksDialog();
            QVERIFY(dialog && dialog->isVisible());
            QCOMPARE(dialog->list()->count(), 0);
            MapCanvas* canvas = window->canvas();
            const geo::Envelope full = canvas->fullExtent();

            // The first, through the button and its name question: the park has no project
            // file yet, one is made beside it and the bookmark goes in.
            canvas->setExtent({full.minX, full.minY, full.minX + full.width() / 4,
                               full.minY + full.height() / 4});
            kept.push_back(canvas->extent());
            QSignalSpy saved(dialog, &BookmarksDialog::saved);
            answerInputDialog(QStringLiteral("东区入口"));
            QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("addBookmarkButton")),
                              Qt::LeftButton);
            QVERIFY(saved.count() > 0 || saved.wait(kLoadTimeoutMs));
            QCOMPARE(saved.at(0).at(1).toString(), QString());
            QCOMPARE(window->projectPath(), project);

            // Two more, one renamed, one deleted.
            canvas->setExtent({full.maxX - full.width() / 3, full.maxY - full.height() / 5,
                               full.maxX, full.maxY});
            kept.push_back(canvas->extent());
            dialog->addCurrentView(QStringLiteral("北区"));
            canvas->zoomToFullExtent();
            dialog->addCurrentView(QStringLiteral("全园"));
            dialog->rename(1, QStringLiteral("北区（新）"));
            dialog->remove(2);
            QCOMPARE(saved.count(), 5);
            for (const QList<QVariant>& call : saved)
                QCOMPARE(call.at(1).toString(), QString());
            shoot(dialog, "bookmarks.png");

            // In the project file, beside the layers it names.
            const QJsonObject root = readJson(project);
            QVERIFY(root.value("layers").toObject().contains("parcels"));
            const QJsonArray marks = root.value("bookmarks").toArray();
            QCOMPARE(marks.size(), 2);
            QCOMPARE(marks.at(0).toObject().value("name").toString(), QStringLiteral("东区入口"));
            QCOMPARE(marks.at(1).toObject().value("name").toString(), QStringLiteral("北区（新）"));
            QCOMPARE(marks.at(0).toObject().value("crs").toString(),
                     QString::fromStdString(canvas->crs().label()));
            const QJsonArray extent = marks.at(1).toObject().value("extent").toArray();
            QCOMPARE(extent.at(0).toDouble(), kept[1].minX);
            QCOMPARE(extent.at(3).toDouble(), kept[1].maxY);

            // The project's other writer (Field Mapping, Set CRS) keeps them.
            const int parcels = window->layerIndex(QStringLiteral("parcels"));
            render::RoleBinding binding;
            binding.role = geo::Role::Parcels;
            binding.fieldMap = {{"owner", "owner"}};
            QSignalSpy projectSaved(window.get(), &MainWindow::projectSaved);
            window->applyFieldMapping(parcels, binding);
            QVERIFY(projectSaved.count() > 0 || projectSaved.wait(kLoadTimeoutMs));
            QCOMPARE(projectSaved.at(0).at(1).toString(), QString());
            const QJsonObject after = readJson(project);
            QCOMPARE(after.value("bookmarks").toArray(), marks);
            QCOMPARE(after.value("layers")
                         .toObject()
                         .value("parcels")
                         .toObject()
                         .value("fields")
                         .toObject()
                         .value("owner")
                         .toString(),
                     QStringLiteral("owner"));
        }

        // Closed and opened again: the bookmarks are there and show their views.
        auto window = openWindow({project});
        QVERIFY(window);
        window->showBookmarks();
        BookmarksDialog* dialog = window->bookmarksDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->list()->count(), 2);
        QCOMPARE(dialog->list()->item(0)->text(), QStringLiteral("东区入口"));
        QCOMPARE(dialog->list()->item(1)->text(), QStringLiteral("北区（新）"));
        MapCanvas* canvas = window->canvas();
        for (int row : {1, 0}) {
            canvas->zoomToFullExtent();
            dialog->list()->setCurrentRow(row);
            QTest::keyClick(dialog->list(), Qt::Key_Return); // as a double click does
            const geo::Envelope view = canvas->extent();
            const geo::Envelope& want = kept[static_cast<std::size_t>(row)];
            // The same view: the canvas is the same size, so the same extent to a millimetre.
            QVERIFY2(std::abs(view.minX - want.minX) < 1e-3 &&
                         std::abs(view.maxX - want.maxX) < 1e-3 &&
                         std::abs(view.minY - want.minY) < 1e-3 &&
                         std::abs(view.maxY - want.maxY) < 1e-3,
                     qPrintable(QStringLiteral("%1 %2 %3 %4")
                                    .arg(view.minX, 0, 'f', 3)
                                    .arg(view.minY, 0, 'f', 3)
                                    .arg(view.maxX, 0, 'f', 3)
                                    .arg(view.maxY, 0, 'f', 3)));
        }

        // A broken entry in the file is named and left out; the others stay.
        QJsonObject root = readJson(project);
        QJsonArray marks = root.value("bookmarks").toArray();
        marks.append(QJsonObject{{"name", "坏的"}, {"extent", QJsonArray{1, 2, 3}}});
        root.insert("bookmarks", marks);
        QFile file(project);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(root).toJson());
        file.close();
        QStringList problems;
        QCOMPARE(readBookmarks(project, &problems).size(), std::size_t(2));
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.front().contains(project) && problems.front().contains("bookmark 3"),
                 qPrintable(problems.front()));
    }

    void scaleBarAndNorthArrowFollowTheMap()
    {
        auto window = openWindow({kSampleDir + QStringLiteral("/park.gpkg")});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        QVERIFY(canvas->crs().isProjected());
        for (const double zoom : {1.0, 7.0, 0.05}) {
            canvas->zoomAt(zoom, QPointF(canvas->width() / 2.0, canvas->height() / 2.0));
            const auto layout = canvas->decorationLayout();
            QVERIFY(layout);
            // A round length, as long as fits in 160 px.
            QVERIFY2(isRound(layout->lengthM), qPrintable(layout->label));
            QVERIFY(layout->lengthPx <= 160 + 1e-9 && layout->lengthPx >= 160 / 2.5 - 1e-9);
            QVERIFY(layout->label.endsWith(layout->lengthM >= 1000 ? " km" : " m"));
            // Its length on the screen against the map's scale (the status bar's 1:N): the
            // grid and the ground differ by the projection's scale factor near the central
            // meridian, under 1/1000 here.
            const double byScale =
                layout->lengthPx / canvas->logicalDpiX() * 0.0254 * canvas->scaleDenominator();
            QVERIFY2(std::abs(byScale - layout->lengthM) / layout->lengthM < 1e-3,
                     qPrintable(QStringLiteral("%1 m drawn %2 px, the scale says %3 m")
                                    .arg(layout->lengthM)
                                    .arg(layout->lengthPx)
                                    .arg(byScale)));
            // In pixels: the bar's outline is a dark run as long as the bar.
            QTest::qWait(50);
            const QImage image = canvas->grab().toImage();
            const int top = static_cast<int>(layout->scaleBar.top());
            const auto [from, to] =
                darkRun(image, top, static_cast<int>(layout->scaleBar.left()) - 2,
                        static_cast<int>(layout->scaleBar.left()) + 2);
            QVERIFY2(std::abs((to - from + 1) - layout->lengthPx) <= 1.5,
                     qPrintable(QStringLiteral("run %1…%2, bar %3 px")
                                    .arg(from)
                                    .arg(to)
                                    .arg(layout->lengthPx)));
            QVERIFY(darkPixels(image, layout->northArrow.toRect()) > 40);
            if (zoom == 7.0)
                shoot(canvas, "scale_bar.png");
        }

        // True north, away from the central meridian: the convergence there (γ = atan(tan Δλ
        // sin φ) on the sphere, good to 1e-3° this close), true north left of grid north east
        // of the meridian.
        const geo::Envelope full = canvas->fullExtent();
        const double east = 500000 + 80000;
        const double north = (full.minY + full.maxY) / 2;
        canvas->setExtent({east - 2000, north - 2000, east + 2000, north + 2000});
        const auto layout = canvas->decorationLayout();
        QVERIFY(layout);
        const QPointF arrow = canvas->toMap(layout->northArrow.center());
        double lonLat[2] = {arrow.x(), arrow.y()};
        geo::Transform(canvas->crs(), canvas->crs().geographic()).forward(lonLat, 1);
        const double centralMeridian = *canvas->crs().centralMeridianDeg();
        const double gamma =
            std::atan(std::tan((lonLat[0] - centralMeridian) * std::numbers::pi / 180) *
                      std::sin(lonLat[1] * std::numbers::pi / 180)) *
            180 / std::numbers::pi;
        QVERIFY(gamma > 0.3);
        QVERIFY2(
            std::abs(layout->northDeg + gamma) < 2e-3,
            qPrintable(
                QStringLiteral("arrow %1°, convergence %2°").arg(layout->northDeg).arg(gamma)));
        shoot(canvas, "north_arrow.png");

        // Off from the View menu: neither is drawn.
        QTest::qWait(50);
        const QImage on = canvas->grab().toImage();
        window->findChild<QAction*>(QStringLiteral("scaleBarAction"))->trigger();
        window->findChild<QAction*>(QStringLiteral("northArrowAction"))->trigger();
        QVERIFY(!canvas->isScaleBarVisible() && !canvas->isNorthArrowVisible());
        const QImage off = canvas->grab().toImage();
        const QRect bar = layout->scaleBar.toRect().adjusted(0, -14, 0, 0);
        QVERIFY(darkPixels(on, bar) > static_cast<int>(layout->lengthPx));
        QVERIFY2(darkPixels(off, bar) < darkPixels(on, bar) / 4,
                 qPrintable(QStringLiteral("%1 dark pixels left").arg(darkPixels(off, bar))));
        QVERIFY(darkPixels(off, layout->northArrow.toRect()) <
                darkPixels(on, layout->northArrow.toRect()) / 4);
    }

    void scaleBarIsGeodesicInDegrees()
    {
        // The sample's parcels in CGCS2000 degrees (EPSG:4490), opened as a user would.
        QTemporaryDir dir;
        QProcess convert;
        convert.start(QStringLiteral("ogr2ogr"),
                      {QStringLiteral("-t_srs"), QStringLiteral("EPSG:4490"),
                       dir.filePath(QStringLiteral("parcels_4490.gpkg")),
                       kSampleDir + QStringLiteral("/park.gpkg"), QStringLiteral("parcels")});
        if (!convert.waitForFinished(60000) || convert.exitCode() != 0)
            QSKIP("ogr2ogr (gdal-bin) is not there to make a layer in degrees");
        auto window = openWindow({dir.filePath(QStringLiteral("parcels_4490.gpkg"))});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        QVERIFY(canvas->crs().isGeographic());
        // Zoomed in, and out to a country's width (where the scale of a map in degrees changes
        // with latitude: the bar is right where it is drawn).
        std::optional<MapDecorationLayout> layout;
        for (const double zoom : {3.0, 0.0003}) {
            canvas->zoomAt(zoom, QPointF(canvas->width() / 2.0, canvas->height() / 2.0));
            layout = canvas->decorationLayout();
            QVERIFY(layout);
            QVERIFY(isRound(layout->lengthM));
            // Along the parallel through the bar, a degree of longitude is N(φ) cos φ on the
            // ellipsoid (N the prime vertical radius); over the bar's short probe the geodesic
            // and the parallel differ by less than 1e-6.
            const QPointF middle = canvas->toMap(layout->scaleBar.center());
            const geo::Ellipsoid cgcs2000 = geo::Ellipsoid::cgcs2000();
            const double phi = middle.y() * std::numbers::pi / 180;
            const double primeVertical =
                cgcs2000.semiMajorM /
                std::sqrt(1 - cgcs2000.eccentricitySquared() * std::sin(phi) * std::sin(phi));
            const double metresPerPixel = primeVertical * std::cos(phi) *
                                          canvas->view().mapUnitsPerPixel() * std::numbers::pi /
                                          180;
            QVERIFY2(std::abs(layout->lengthPx * metresPerPixel - layout->lengthM) /
                             layout->lengthM <
                         1e-5,
                     qPrintable(QStringLiteral("%1 px × %2 m/px for %3 m")
                                    .arg(layout->lengthPx)
                                    .arg(metresPerPixel)
                                    .arg(layout->lengthM)));
        }
        QVERIFY(layout->lengthM >= 100000); // hundreds of km at the country's scale
        QCOMPARE(layout->northDeg, 0.0);    // meridians are the map's verticals
        QTest::qWait(50);
        const QImage image = canvas->grab().toImage();
        const auto [from, to] = darkRun(image, static_cast<int>(layout->scaleBar.top()),
                                        static_cast<int>(layout->scaleBar.left()) - 2,
                                        static_cast<int>(layout->scaleBar.left()) + 2);
        QVERIFY(std::abs((to - from + 1) - layout->lengthPx) <= 1.5);
        shoot(canvas, "scale_bar_degrees.png");
    }

    void layersPanelShowsTheLandUseLegendOfTheParcels()
    {
        // A copy: declaring the classification below writes a project file beside the park.
        QTemporaryDir dir;
        QVERIFY(QFile::copy(kSampleDir + QStringLiteral("/park.gpkg"), dir.filePath("park.gpkg")));
        auto window = openWindow({dir.filePath("park.gpkg")});
        QVERIFY(window);
        const int parcels = window->layerIndex(QStringLiteral("parcels"));
        QVERIFY(parcels >= 0);
        LayersPanel* panel = window->layersPanel();
        const QStringList labels = panel->legendLabels(parcels);
        // The codes the sample's parcels hold, read here from the layer itself.
        const geo::Layer& layer =
            *window->canvas()->layers().at(static_cast<std::size_t>(parcels)).snapshot.layer;
        const int field = layer.attributes.fieldIndex("land_use");
        std::set<QString> codes;
        bool unknownCode = false;
        for (std::size_t f = 0; f < layer.featureCount(); ++f) {
            const QString code = QString::fromStdString(layer.attributes.text(f, field)).trimmed();
            if (code.compare("xx", Qt::CaseInsensitive) == 0 || code.isEmpty())
                unknownCode = true;
            else
                codes.insert(code);
        }
        QVERIFY2(!labels.isEmpty(), "no legend under the parcels");
        // Each code present has its class in the legend, once (a class of two systems, 0901 and
        // B1, is one entry "0901 / B1 …"); nothing else is listed but the features of no class.
        QStringList unexplained = labels;
        for (const QString& code : codes) {
            const QStringList matching = labels.filter(QRegularExpression(
                QStringLiteral("^(\\S+ / )?%1\\s").arg(QRegularExpression::escape(code))));
            QVERIFY2(matching.size() == 1, qPrintable(code + ": " + labels.join(" | ")));
            unexplained.removeAll(matching.front());
        }
        QCOMPARE(unexplained.size(), unknownCode ? 1 : 0);
        // Named, not only coded.
        QVERIFY2(labels.filter(QRegularExpression(QStringLiteral("^(\\S+ / )?M1\\s+\\S"))).size() ==
                     1,
                 qPrintable(labels.join(" | ")));
        // Drawn: the first class's swatch in its colour, under the layer's row.
        QListWidget* list = panel->list();
        QListWidgetItem* item = nullptr;
        for (int row = 0; row < list->count(); ++row)
            if (list->item(row)->data(Qt::UserRole + 1).toInt() == parcels)
                item = list->item(row);
        QVERIFY(item);
        list->scrollToItem(item, QAbstractItemView::PositionAtTop);
        const QRect rect = list->visualItemRect(item);
        QVERIFY(rect.height() > labels.size() * list->fontMetrics().height());
        const std::vector<render::LegendEntry> entries = panel->legend(parcels);
        const QImage image = list->viewport()->grab().toImage();
        const int rowHeight = list->fontMetrics().height() + 4;
        const int firstTop = rect.bottom() + 1 - static_cast<int>(entries.size()) * rowHeight;
        const QColor swatch = image.pixelColor(rect.left() + 30 + 9, firstTop + rowHeight / 2);
        // The fill as the map draws it: over the list's white, with its alpha.
        const QColor symbol = entries.front().symbol.fill;
        const QColor base = list->palette().color(QPalette::Base);
        const auto over = [&](int colour, int background) {
            return static_cast<int>(
                std::lround(colour * symbol.alphaF() + background * (1 - symbol.alphaF())));
        };
        const QColor fill(over(symbol.red(), base.red()), over(symbol.green(), base.green()),
                          over(symbol.blue(), base.blue()));
        QVERIFY2(std::abs(swatch.red() - fill.red()) + std::abs(swatch.green() - fill.green()) +
                         std::abs(swatch.blue() - fill.blue()) <
                     30,
                 qPrintable(swatch.name() + " drawn for " + fill.name()));
        shoot(panel, "layers_legend.png");

        // Hidden and shown from the layer's menu.
        panel->setLegendShown(parcels, false);
        QVERIFY(panel->legendLabels(parcels).isEmpty());
        QVERIFY(list->visualItemRect(item).height() < 2 * rowHeight);
        panel->setLegendShown(parcels, true);
        QCOMPARE(panel->legendLabels(parcels), labels);

        // Declared GB/T 21010 (三调): the same codes named in that system; the layer's legend
        // follows its classification.
        render::RoleBinding binding;
        binding.role = geo::Role::Parcels;
        binding.classification = "GB/T 21010-2017";
        QSignalSpy saved(window.get(), &MainWindow::projectSaved);
        window->applyFieldMapping(parcels, binding);
        const QStringList declared = panel->legendLabels(parcels);
        QVERIFY(!declared.isEmpty());
        QVERIFY2(declared != labels, qPrintable(declared.join(" | ")));
        QVERIFY(saved.count() > 0 || saved.wait(kLoadTimeoutMs));
    }

    void aLedgerRowClickSelectsWhatItSumsAndZooms()
    {
        QTemporaryDir dir;
        QVERIFY(QFile::copy(kSampleDir + QStringLiteral("/park.gpkg"), dir.filePath("park.gpkg")));
        auto window = openWindow({dir.filePath("park.gpkg")});
        QVERIFY(window);
        LedgerPanel* panel = window->ledgerPanel();
        panel->setKind(geo::LedgerKind::Acquisition);
        QSignalSpy finished(panel, &LedgerPanel::runFinished);
        panel->run();
        QVERIFY(finished.wait(kLoadTimeoutMs));
        QVERIFY(panel->ledger());
        const auto acquisition =
            static_cast<std::size_t>(window->layerIndex(QStringLiteral("acquisition")));
        const geo::Layer& layer = *window->canvas()->layers().at(acquisition).snapshot.layer;
        MapCanvas* canvas = window->canvas();
        const geo::Envelope full = canvas->fullExtent();
        QTableView* view = panel->view();
        auto click = [&](int sourceRow) {
            const QModelIndex index =
                panel->proxy()->mapFromSource(panel->model()->index(sourceRow, 0));
            view->scrollTo(index);
            QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                              view->visualRect(index).center());
        };

        // By batch: one batch, the features of that batch id (read here from the layer).
        QCOMPARE(QString::fromStdString(panel->model()->table()->id), QStringLiteral("by_batch"));
        const int batchRow = 4;
        const QString batch = panel->model()->index(batchRow, 0).data().toString();
        std::vector<std::uint32_t> expected;
        geo::Envelope box;
        const int batchField = layer.attributes.fieldIndex("batch_id");
        for (std::size_t f = 0; f < layer.featureCount(); ++f)
            if (QString::fromStdString(layer.attributes.text(f, batchField)) == batch) {
                expected.push_back(static_cast<std::uint32_t>(f));
                box.expand(layer.geometry.envelope(f));
            }
        QVERIFY(!expected.empty());
        canvas->zoomToFullExtent();
        click(batchRow);
        QCOMPARE(window->selection()->features(acquisition), expected);
        QCOMPARE(window->selection()->count(), expected.size());
        const geo::Envelope shown = canvas->extent();
        QVERIFY(shown.minX <= box.minX && shown.maxX >= box.maxX && shown.minY <= box.minY &&
                shown.maxY >= box.maxY);
        QVERIFY(shown.width() < full.width() / 2);
        if (qEnvironmentVariableIsSet("PARKATLAS_TEST_SHOTS")) {
            QSignalSpy drawn(canvas, &MapCanvas::renderFinished);
            drawn.wait(5000);
            QTest::qWait(300); // the selection's overlay
            shoot(window.get(), "ledger_row.png");
        }

        // By village and by stage: as many batches selected as the row counts; the total row
        // selects every batch.
        for (int table = 1; table <= 2; ++table) {
            panel->showTable(table);
            LedgerTableModel* model = panel->model();
            const int batches = model->columnOf("batches");
            QVERIFY(batches > 0);
            for (int row = 0; row < model->rowCount(); ++row) {
                click(row);
                QCOMPARE(window->selection()->count(),
                         static_cast<std::size_t>(
                             model->index(row, batches).data(LedgerTableModel::SortRole).toInt()));
            }
            QVERIFY(model->isTotalRow(model->rowCount() - 1));
        }
        QCOMPARE(window->selection()->count(), layer.featureCount());

        // Sorted the other way, a click still finds its own row.
        panel->showTable(0);
        view->sortByColumn(0, Qt::DescendingOrder);
        click(batchRow);
        QCOMPARE(window->selection()->features(acquisition), expected);

        // Every row of every table of the other ledgers: a row that counts its features
        // (段数, 案件数, 宗数) selects that many; a row of one case or plot selects it. The total
        // row selects them all.
        std::map<std::string, int> checked; // rows checked against their count, by table
        for (const geo::LedgerKind kind :
             {geo::LedgerKind::Works, geo::LedgerKind::Idle, geo::LedgerKind::Supply}) {
            panel->setKind(kind);
            QSignalSpy ran(panel, &LedgerPanel::runFinished);
            panel->run();
            QVERIFY(ran.wait(kLoadTimeoutMs));
            QVERIFY(panel->ledger());
            for (int table = 0; table < static_cast<int>(panel->ledger()->tables.size()); ++table) {
                panel->showTable(table);
                LedgerTableModel* model = panel->model();
                const std::string id = model->table()->id;
                if (id == "by_year") { // years of supply: no field holds them
                    window->selection()->clear();
                    click(0);
                    QVERIFY(window->selection()->isEmpty());
                    continue;
                }
                int counted = -1;
                for (const char* key : {"features", "cases", "plots"})
                    counted = counted >= 0 ? counted : model->columnOf(key);
                for (int row = 0; row < model->rowCount(); ++row) {
                    window->selection()->clear();
                    click(row);
                    const std::size_t selected = window->selection()->count();
                    const QString what = QString::fromStdString(id) + " row " +
                                         QString::number(row) + " " +
                                         model->index(row, 0).data().toString();
                    if (counted >= 0)
                        ++checked[id];
                    if (counted >= 0)
                        QVERIFY2(selected ==
                                     static_cast<std::size_t>(model->index(row, counted)
                                                                  .data(LedgerTableModel::SortRole)
                                                                  .toInt()),
                                 qPrintable(what + ": " + QString::number(selected)));
                    else if (!model->isTotalRow(row))
                        QVERIFY2(selected >= 1, qPrintable(what));
                }
            }
        }
        // Lots, works classes (roads and pipelines), idle-land kinds and stages were all there.
        QString tables;
        for (const auto& [id, rows] : checked)
            tables += QStringLiteral("%1: %2 ").arg(QString::fromStdString(id)).arg(rows);
        QVERIFY2(checked["by_lot"] >= 3 && checked["by_class"] >= 3 && checked["by_kind"] >= 2 &&
                     checked["by_stage"] >= 2,
                 qPrintable(tables));
    }

    void findTakesCoordinatesAndPlotNumbersAsTheyAreTyped()
    {
        auto window = openWindow({kSampleDir + QStringLiteral("/park.gpkg")});
        QVERIFY(window);
        MapCanvas* canvas = window->canvas();
        QLineEdit* locator = window->locatorEdit();
        auto findText = [&](const QString& text) {
            QSignalSpy done(window.get(), &MainWindow::locateFinished);
            locator->setText(text);
            QTest::keyClick(locator, Qt::Key_Return);
            return done.count() > 0 || done.wait(10000) ? done.front().at(0).toInt() : -1;
        };
        const QPointF centre(canvas->width() / 2.0, canvas->height() / 2.0);
        findText(QStringLiteral("114.0, 30.5"));
        const QPointF plain = canvas->toMap(centre);
        QVERIFY(std::abs(plain.x() - 500000) < 1);
        // The same place typed the ways planners type it or paste it from a map site.
        for (const QString& typed :
             {QStringLiteral("30.5, 114.0"), QStringLiteral("114°E, 30°30′N"),
              QStringLiteral("N30.5 E114"), QStringLiteral("东经114 北纬30.5"),
              QStringLiteral("30°30'0\"N 114°0'0\"E"), QStringLiteral("１１４．０，３０．５")}) {
            canvas->zoomToFullExtent();
            findText(typed);
            const QPointF shown = canvas->toMap(centre);
            QVERIFY2(std::abs(shown.x() - plain.x()) < 1e-6 &&
                         std::abs(shown.y() - plain.y()) < 1e-6,
                     qPrintable(typed + QStringLiteral(": %1, %2")
                                            .arg(shown.x(), 0, 'f', 2)
                                            .arg(shown.y(), 0, 'f', 2)));
        }
        // Map coordinates stay map coordinates.
        findText(QStringLiteral("500100，3375100"));
        QVERIFY(std::abs(canvas->toMap(centre).x() - 500100) < 1e-6);
        // A plot number in lower case.
        QCOMPARE(findText(QStringLiteral("ql2019-037")), 1);
        // The other cases: an acquisition batch, a plan zone, an idle-land case; each
        // selects the features of its layer holding that value (counted here from the layer).
        const std::pair<const char*, std::pair<const char*, const char*>> cases[] = {
            {"acquisition", {"batch_id", "QLZD2012-03"}},
            {"plan_zones", {"zone_id", "A0100"}},
            {"idle_land", {"case_id", "XZ2026-001"}}};
        for (const auto& [layerName, wanted] : cases) {
            const auto index =
                static_cast<std::size_t>(window->layerIndex(QString::fromLatin1(layerName)));
            const geo::Layer& layer = *canvas->layers().at(index).snapshot.layer;
            const int field = layer.attributes.fieldIndex(wanted.first);
            std::vector<std::uint32_t> holding;
            for (std::size_t f = 0; f < layer.featureCount(); ++f)
                if (layer.attributes.text(f, field) == wanted.second)
                    holding.push_back(static_cast<std::uint32_t>(f));
            QVERIFY2(!holding.empty(), layerName);
            QCOMPARE(findText(QString::fromLatin1(wanted.second).toLower()),
                     static_cast<int>(holding.size()));
            QCOMPARE(window->selection()->features(index), holding);
        }
        QCOMPARE(findText(QStringLiteral("W1 ")), 0); // a code is no coordinate
    }
};

QTEST_MAIN(OrientTest)
#include "test_orient.moc"
