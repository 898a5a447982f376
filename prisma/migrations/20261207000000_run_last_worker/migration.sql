-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "lastWorkerName" TEXT;
