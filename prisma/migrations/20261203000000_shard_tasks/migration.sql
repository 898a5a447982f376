-- CreateEnum
CREATE TYPE "ShardTaskStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "ShardTask" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "iteration" INTEGER NOT NULL DEFAULT 0,
    "shard" INTEGER NOT NULL,
    "input" JSONB NOT NULL,
    "status" "ShardTaskStatus" NOT NULL DEFAULT 'queued',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "claimedById" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "output" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ShardTask_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ShardTask_status_createdAt_idx" ON "ShardTask"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ShardTask_runId_kind_iteration_shard_key" ON "ShardTask"("runId", "kind", "iteration", "shard");

-- AddForeignKey
ALTER TABLE "ShardTask" ADD CONSTRAINT "ShardTask_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShardTask" ADD CONSTRAINT "ShardTask_claimedById_fkey" FOREIGN KEY ("claimedById") REFERENCES "Worker"("id") ON DELETE SET NULL ON UPDATE CASCADE;
