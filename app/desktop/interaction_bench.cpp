#include "app/desktop/interaction_bench.h"

#include "app/desktop/attribute_table_model.h"
#include "app/desktop/attribute_table_panel.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"

#include <QApplication>
#include <QFile>
#include <QTimer>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace parkatlas::desktop {

namespace {

constexpr double kDetailScale = 10000; // the "1:10 000" of the measurements
constexpr int kRepeats = 3;             // each pan and zoom, so a script can take the median

/// Seconds since boot at which this process started, or -1.
double processStartSinceBoot()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // Field 22 (starttime, in clock ticks), counted after the command name's closing ')'.
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return -1;
    const QList<QByteArray> fields = line.mid(close + 2).split(' ');
    if (fields.size() < 20)
        return -1;
    bool ok = false;
    const double ticks = fields[19].toDouble(&ok);
    const long perSecond = sysconf(_SC_CLK_TCK);
    return ok && perSecond > 0 ? ticks / static_cast<double>(perSecond) : -1;
}

/// CPU seconds this process has used (every thread: the renders run on workers).
double processCpuSeconds()
{
    timespec used{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &used);
    return static_cast<double>(used.tv_sec) + static_cast<double>(used.tv_nsec) / 1e9;
}

/// A quarter of the map's width in whole pixels, as an arrow key moves it.
double quarter(const MapCanvas* canvas)
{
    return std::round(0.25 * canvas->width());
}

double secondsSinceBoot()
{
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

} // namespace

bool viewerFullDetailRequested()
{
    static const bool requested = qEnvironmentVariable("PARKATLAS_VIEWER_FULL_DETAIL") ==
                                  QStringLiteral("1");
    return requested;
}

double millisecondsSinceProcessStart()
{
    static const double start = [] {
        const double fromProc = processStartSinceBoot();
        return fromProc >= 0 ? fromProc : secondsSinceBoot();
    }();
    return (secondsSinceBoot() - start) * 1000.0;
}

InteractionBench::InteractionBench(MainWindow& window, QObject* parent)
    : QObject(parent), m_window(window)
{
    millisecondsSinceProcessStart(); // fixes the fallback origin early
}

void InteractionBench::print(const QString& name, double milliseconds, double cpuMilliseconds)
{
    if (cpuMilliseconds >= 0)
        std::printf("%s %.1f cpu %.1f\n", name.toUtf8().constData(), milliseconds,
                    cpuMilliseconds);
    else
        std::printf("%s %.1f\n", name.toUtf8().constData(), milliseconds);
    std::fflush(stdout);
}

void InteractionBench::noteFirstPicture()
{
    if (m_firstPictureNoted)
        return;
    m_firstPictureNoted = true;
    print(QStringLiteral("first_picture"), millisecondsSinceProcessStart(),
          processCpuSeconds() * 1000);
}

void InteractionBench::timeRedraw(const QString& name, const std::function<void()>& change,
                                  std::function<void()> next)
{
    MapCanvas* canvas = m_window.canvas();
    auto timer = std::make_shared<QElapsedTimer>();
    const double cpuBefore = processCpuSeconds();
    connect(
        canvas, &MapCanvas::pictureComplete, this,
        [this, name, timer, cpuBefore, next = std::move(next)] {
            print(name, static_cast<double>(timer->nsecsElapsed()) / 1e6,
                  (processCpuSeconds() - cpuBefore) * 1000);
            next();
        },
        Qt::SingleShotConnection);
    timer->start();
    change();
    canvas->refreshNow(); // no debounce: the user's pause is not the drawing's time
}

void InteractionBench::repeat(const QString& name, const std::function<void()>& change)
{
    for (int i = 0; i < kRepeats; ++i)
        m_steps.push_back([this, name, change](std::function<void()> next) {
            timeRedraw(name, change, std::move(next));
        });
}

void InteractionBench::timeSort(int column, Qt::SortOrder order, std::function<void()> next)
{
    AttributeTableModel* model = m_window.attributeTablePanel()->model();
    auto timer = std::make_shared<QElapsedTimer>();
    const double cpuBefore = processCpuSeconds();
    const QString name = QStringLiteral("sort_column_%1").arg(column);
    connect(
        model, &AttributeTableModel::orderingFinished, this,
        [this, name, timer, cpuBefore, next = std::move(next)] {
            print(name, static_cast<double>(timer->nsecsElapsed()) / 1e6,
                  (processCpuSeconds() - cpuBefore) * 1000);
            next();
        },
        Qt::SingleShotConnection);
    timer->start();
    model->sort(column, order);
}

void InteractionBench::run()
{
    print(QStringLiteral("complete_picture"), millisecondsSinceProcessStart(),
          processCpuSeconds() * 1000);
    MapCanvas* canvas = m_window.canvas();
    const auto centre = [canvas] { return QPointF(canvas->width() / 2.0, canvas->height() / 2.0); };
    const auto moves = [this, canvas, centre](const QString& where) {
        // A quarter of the view to the left, each time: every picture shows a strip not seen
        // before (the picture cache shifts the last one and renders that strip).
        repeat(QStringLiteral("pan_") + where,
               [canvas] { canvas->panByPixels(QPointF(-quarter(canvas), 0)); });
        // Back where the pans started, in one move: a view drawn before.
        m_steps.push_back([this, canvas, where](std::function<void()> next) {
            timeRedraw(
                QStringLiteral("pan_back_") + where,
                [canvas] { canvas->panByPixels(QPointF(kRepeats * quarter(canvas), 0)); },
                std::move(next));
        });
        // One wheel notch in, each time: a scale not drawn before, rendered anew.
        repeat(QStringLiteral("zoom_") + where,
               [canvas, centre] { canvas->zoomAt(1.25, centre()); });
        // And out again: each back to a view drawn before (from the picture cache).
        repeat(QStringLiteral("zoom_back_") + where,
               [canvas, centre] { canvas->zoomAt(1 / 1.25, centre()); });
    };
    moves(QStringLiteral("full"));
    m_steps.push_back([this, canvas, centre](std::function<void()> next) {
        canvas->zoomToFullExtent();
        const double scale = canvas->scaleDenominator();
        timeRedraw(
            QStringLiteral("zoom_to_10000"),
            [canvas, centre, scale] {
                if (scale > 0)
                    canvas->zoomAt(scale / kDetailScale, centre());
            },
            std::move(next));
    });
    moves(QStringLiteral("10000"));
    m_steps.push_back([this, canvas](std::function<void()> next) {
        timeRedraw(
            QStringLiteral("zoom_to_full"), [canvas] { canvas->zoomToFullExtent(); },
            std::move(next));
    });
    AttributeTableModel* model = m_window.attributeTablePanel()->model();
    for (int column = 0; column < model->columnCount(); ++column)
        m_steps.push_back([this, column](std::function<void()> next) {
            timeSort(column, Qt::AscendingOrder, std::move(next));
        });
    m_steps.push_back([](std::function<void()>) { QApplication::exit(0); });
    // After the signal that called us has reached everyone (the canvas says its picture is
    // complete right after the render that made the window ready).
    QTimer::singleShot(0, this, [this] { runSteps(0); });
}

void InteractionBench::runSteps(std::size_t from)
{
    if (from >= m_steps.size())
        return;
    m_steps[from]([this, from] { runSteps(from + 1); });
}

} // namespace parkatlas::desktop
