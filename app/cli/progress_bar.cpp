#include "app/cli/progress_bar.h"

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace parkatlas::cli {

std::atomic<bool> g_interrupted{false};

void installInterruptHandler()
{
    auto handler = [](int) { g_interrupted = true; };
    std::signal(SIGINT, handler);
    std::signal(SIGTERM, handler);
}

ProgressBar::ProgressBar(std::string label)
    : m_label(std::move(label)), m_enabled(isatty(STDERR_FILENO) != 0),
      m_start(std::chrono::steady_clock::now())
{
}

ProgressBar::~ProgressBar()
{
    finish();
}

bool ProgressBar::update(double fraction)
{
    if (g_interrupted)
        return false;
    if (!m_enabled)
        return true;
    const int percent = static_cast<int>(fraction * 100.0);
    if (percent == m_lastPercent)
        return true;
    // Only draw for work that takes a moment: a bar flashing for 10 ms is noise.
    if (!m_drawn && std::chrono::steady_clock::now() - m_start < std::chrono::milliseconds(300))
        return true;
    m_lastPercent = percent;
    const int width = 30;
    const int filled = percent * width / 100;
    std::fprintf(stderr, "\r%s [%s%s] %3d%%", m_label.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), percent);
    std::fflush(stderr);
    m_drawn = true;
    return true;
}

void ProgressBar::finish()
{
    if (m_drawn) {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
        m_drawn = false;
    }
}

} // namespace parkatlas::cli
