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
std::vector<std::string> MpiSession::gather(const std::string& mine) const {
  if (!initialised_) return {mine};
  int length = static_cast<int>(mine.size());
  std::vector<int> lengths(static_cast<std::size_t>(size_)), offsets(static_cast<std::size_t>(size_));
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::string all;
  if (rank_ == 0) {
    long long total = 0;
    for (int r = 0; r < size_; ++r) {
      offsets[static_cast<std::size_t>(r)] = static_cast<int>(total);
      total += lengths[static_cast<std::size_t>(r)];
    }
    if (total > 2147483647LL) throw std::runtime_error("MPI gather of more than 2 GiB of summaries");
    all.resize(static_cast<std::size_t>(total));
  }
  MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0,
              MPI_COMM_WORLD);
  std::vector<std::string> out;
  if (rank_ == 0)
    for (int r = 0; r < size_; ++r)
      out.push_back(all.substr(static_cast<std::size_t>(offsets[static_cast<std::size_t>(r)]),
                               static_cast<std::size_t>(lengths[static_cast<std::size_t>(r)])));
  return out;
}
#else
std::vector<std::string> MpiSession::gather(const std::string& mine) const { return {mine}; }
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
