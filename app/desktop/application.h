#pragma once

class QApplication;

namespace parkatlas::desktop {

/// parkatlas-gui's main(): `parkatlas-gui [SOURCE...]` opens the viewer;
/// `parkatlas-gui --screenshot OUT.png [--size WxH] SOURCE...` loads, waits for the first
/// render, saves the window's picture to OUT.png and exits (0 on success, 2 on bad usage or when
/// nothing could be loaded, 3 when the load or render did not finish in time). The screenshot mode
/// works with QT_QPA_PLATFORM=offscreen on machines without a display.
int runApplication(int argc, char** argv);

/// Application-wide look the viewer relies on: a font family list that ends in a CJK face
/// (Noto Sans CJK SC when installed), so Chinese layer names, fields and messages always
/// draw, whichever default font the platform picks. Call after QApplication exists.
void installApplicationFonts();

} // namespace parkatlas::desktop
