// The one C header LossCast reads: OpenBLAS's CBLAS interface, with its
// openblas_get_corename / openblas_get_config / openblas_get_num_threads extensions.
#include <cblas.h>
