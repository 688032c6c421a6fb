#pragma once

#include <cstddef>

namespace parkatlas::geo {

/// Asks the kernel to back the memory at `data` (`bytes` long) with huge pages (2 MB) where it
/// can, before it is first written: with the usual 4 KB pages each first touch is a page fault,
/// which on a virtual machine costs more than the copying that fills the memory (README, issue
/// 21, sixth session: 700 ms of faults for 190 MB). A hint only (transparent huge pages on
/// "madvise"): the contents are the same either way. Nothing is asked for under `minimumBytes`,
/// nor off Linux.
void adviseHugePages(void* data, std::size_t bytes, std::size_t minimumBytes);

} // namespace parkatlas::geo
