-- CreateEnum
CREATE TYPE "WorkerAccelerator" AS ENUM ('gpu', 'cpu');

-- AlterTable
ALTER TABLE "Worker" ADD COLUMN     "accelerator" "WorkerAccelerator",
ADD COLUMN     "cpuCores" INTEGER,
ADD COLUMN     "memoryBytes" BIGINT;
