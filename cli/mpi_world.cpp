#include "cli/mpi_world.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string_view>

#ifdef MAILSTORM_HAVE_MPI
#include <mpi.h>
#endif

namespace mailstorm::cli {

namespace {
// Started by mpirun (Open MPI, MPICH/Hydra, Slurm's PMI): only then is MPI initialised, so a
// plain `mailstorm sweep` never pays for (or prints) MPI's start-up.
bool under_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv("PMIX_RANK") != nullptr;
}
}  // namespace

#ifdef MAILSTORM_HAVE_MPI
MpiSession::MpiSession() {
  if (!under_mpirun()) return;
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  initialised_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}
MpiSession::~MpiSession() {
  if (initialised_) MPI_Finalize();
}
void MpiSession::barrier() const {
  if (initialised_) MPI_Barrier(MPI_COMM_WORLD);
}
int MpiSession::broadcast(int value) const {
  if (initialised_) MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}
int MpiSession::max_all(int value) const {
  int out = value;
  if (initialised_) MPI_Allreduce(&value, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return out;
}
#else
MpiSession::MpiSession() {
  const char* n = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (under_mpirun() && !(n != nullptr && std::string_view(n) == "1"))
    throw std::runtime_error(
        "started by mpirun, but this mailstorm was built without MPI (configure with "
        "-DMAILSTORM_MPI=ON); every rank would run the whole sweep");
}
MpiSession::~MpiSession() = default;
void MpiSession::barrier() const {}
int MpiSession::broadcast(int value) const { return value; }
int MpiSession::max_all(int value) const { return value; }
#endif

}  // namespace mailstorm::cli
