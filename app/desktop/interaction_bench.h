#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <functional>
#include <vector>

namespace parkatlas::desktop {

class MainWindow;

/// True when PARKATLAS_VIEWER_FULL_DETAIL=1: the viewer draws every picture at full detail (no
/// MapSettings::levelOfDetail) and shows no layer before it is wholly read, as it did before
/// issue 21, so that scripts/bench can put both side by side in the same minutes.
bool viewerFullDetailRequested();

/// Milliseconds since this process started (from /proc/self/stat where there is one, so the
/// dynamic linker and Qt's start-up count; else since the first call).
double millisecondsSinceProcessStart();

/// What `parkatlas-gui --bench-interactions` measures, once the window has drawn the loaded
/// map: the time from the start of the process to the first picture and to the complete one,
/// then pans, zooms in and zooms back out of the map at the full extent and at 1:10 000 (each
/// from the change of view to the complete picture of the new view on screen), and a sort of the attribute table
/// of the top layer by every column (from the click to the new order shown). Prints one line
/// per measurement, "name milliseconds cpu milliseconds" (wall clock, then the CPU the process
/// used over the same span), on stdout, then quits the application with 0.
/// Lives on the GUI thread; for scripts/bench --speed, not for users.
class InteractionBench : public QObject {
    Q_OBJECT
public:
    explicit InteractionBench(MainWindow& window, QObject* parent = nullptr);

    /// Starts the sequence (call when the window has drawn its first complete picture).
    void run();
    /// Records the first picture of the map (partial or complete): call once, when it shows.
    void noteFirstPicture();

private:
    using Step = std::function<void(std::function<void()> next)>;
    /// "name milliseconds" or, with the CPU time of the process over the same span (every
    /// thread), "name milliseconds cpu milliseconds".
    void print(const QString& name, double milliseconds, double cpuMilliseconds = -1);
    void timeRedraw(const QString& name, const std::function<void()>& change,
                    std::function<void()> next);
    /// kRepeats steps, each timing the redraw after `change` (a pan or a zoom) as `name`.
    void repeat(const QString& name, const std::function<void()>& change);
    void timeSort(int column, Qt::SortOrder order, std::function<void()> next);
    void runSteps(std::size_t from);

    MainWindow& m_window;
    std::vector<Step> m_steps;
    bool m_firstPictureNoted = false;
};

} // namespace parkatlas::desktop
