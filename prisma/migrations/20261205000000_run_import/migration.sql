-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "importKey" TEXT,
ADD COLUMN     "importedFrom" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Run_projectId_importKey_key" ON "Run"("projectId", "importKey");
