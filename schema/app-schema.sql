-- The target application's tables, as its ORM migrations create them in PostgreSQL.
-- loadseed's `schema apply` command and its tests create exactly this DDL.
-- Notes on this schema:
--   * Every "id" is TEXT with no database default: the application's ORM makes a
--     25-character collision-resistant id (cuid: 'c' followed by lowercase base36)
--     on the client. A seeder must supply ids itself.
--   * "updatedAt" is NOT NULL with no database default: the ORM fills it on the
--     client. A seeder must supply it. "createdAt" defaults to now().
--   * Identifiers are quoted camelCase; enum columns use PostgreSQL enum types.

CREATE TYPE "UserRole" AS ENUM ('ADMIN', 'CUSTOMER');
CREATE TYPE "OrgRole" AS ENUM ('OWNER', 'EDITOR', 'VIEWER');
CREATE TYPE "EventStatus" AS ENUM ('DRAFT', 'ACTIVE', 'COMPLETED', 'CANCELLED');
CREATE TYPE "WindowType" AS ENUM ('PRE', 'LIVE', 'POST');
CREATE TYPE "CampaignStatus" AS ENUM ('DRAFT', 'ACTIVE', 'COMPLETED');

CREATE TABLE "Organization" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "websiteUrl" TEXT,
    "contactEmail" TEXT,
    "deletedAt" TIMESTAMP(3),
    "deletedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Organization_slug_key" ON "Organization"("slug");
CREATE INDEX "Organization_slug_idx" ON "Organization"("slug");
CREATE INDEX "Organization_deletedAt_idx" ON "Organization"("deletedAt");

CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "password" TEXT,                       -- bcrypt hash ($2a$/$2b$, cost 12 in the application)
    "role" "UserRole" NOT NULL DEFAULT 'CUSTOMER',
    "orgId" TEXT,
    "orgRole" "OrgRole" NOT NULL DEFAULT 'VIEWER',
    "timezone" TEXT,
    "forcePasswordReset" BOOLEAN NOT NULL DEFAULT false,
    "invitedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE INDEX "User_email_idx" ON "User"("email");
CREATE INDEX "User_orgId_idx" ON "User"("orgId");

CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "CampaignStatus" NOT NULL DEFAULT 'DRAFT',
    "startDate" TIMESTAMP(3),
    "endDate" TIMESTAMP(3),
    "deletedAt" TIMESTAMP(3),
    "deletedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Campaign_orgId_idx" ON "Campaign"("orgId");
CREATE INDEX "Campaign_status_idx" ON "Campaign"("status");
CREATE INDEX "Campaign_deletedAt_idx" ON "Campaign"("deletedAt");

CREATE TABLE "Event" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "campaignId" TEXT,
    "deletedCampaignId" TEXT,
    "name" TEXT NOT NULL,
    "city" TEXT,
    "state" TEXT,
    "country" TEXT,
    "zipcode" TEXT,
    "location" TEXT,                       -- "City, ST"
    "venueName" TEXT,
    "formattedAddress" TEXT,
    "latitude" DECIMAL(9,6),
    "longitude" DECIMAL(9,6),
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "scheduleMode" BOOLEAN NOT NULL DEFAULT false,
    "autoLifecycle" BOOLEAN NOT NULL DEFAULT false,
    "fallbackUrl" TEXT,
    "assignOnFlag" BOOLEAN NOT NULL DEFAULT false,
    "status" "EventStatus" NOT NULL DEFAULT 'DRAFT',
    "estimatedAttendees" INTEGER,
    "startDate" TIMESTAMP(3),
    "endDate" TIMESTAMP(3),
    "deletedAt" TIMESTAMP(3),
    "deletedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Event_orgId_idx" ON "Event"("orgId");
CREATE INDEX "Event_campaignId_idx" ON "Event"("campaignId");
CREATE INDEX "Event_status_idx" ON "Event"("status");
CREATE INDEX "Event_latitude_longitude_idx" ON "Event"("latitude", "longitude");
CREATE INDEX "Event_deletedAt_idx" ON "Event"("deletedAt");

CREATE TABLE "EventWindow" (
    "id" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "windowType" "WindowType" NOT NULL,
    "title" TEXT,
    "url" TEXT NOT NULL,
    "startTime" TIMESTAMP(3),
    "endTime" TIMESTAMP(3),
    "isManual" BOOLEAN NOT NULL DEFAULT false,
    "isActive" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "EventWindow_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "EventWindow_eventId_idx" ON "EventWindow"("eventId");
CREATE INDEX "EventWindow_eventId_isActive_idx" ON "EventWindow"("eventId", "isActive");
CREATE INDEX "EventWindow_windowType_idx" ON "EventWindow"("windowType");

CREATE TABLE "BandTag" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "BandTag_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "BandTag_title_key" ON "BandTag"("title");
CREATE INDEX "BandTag_title_idx" ON "BandTag"("title");

CREATE TABLE "Band" (
    "id" TEXT NOT NULL,
    "bandId" TEXT NOT NULL,                -- the id printed on / programmed into the wristband
    "eventId" TEXT NOT NULL,
    "name" TEXT,
    "email" TEXT,
    "tagId" TEXT,
    "autoAssigned" BOOLEAN NOT NULL DEFAULT false,
    "autoAssignDistance" DOUBLE PRECISION,
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "flagReason" TEXT,
    "firstTapAt" TIMESTAMP(3),
    "lastTapAt" TIMESTAMP(3),
    "tapCount" INTEGER NOT NULL DEFAULT 0,
    "deletedAt" TIMESTAMP(3),
    "deletedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Band_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Band_bandId_eventId_key" ON "Band"("bandId", "eventId");
CREATE INDEX "Band_bandId_idx" ON "Band"("bandId");
CREATE INDEX "Band_eventId_idx" ON "Band"("eventId");
CREATE INDEX "Band_tagId_idx" ON "Band"("tagId");
CREATE INDEX "Band_flagged_idx" ON "Band"("flagged");
CREATE INDEX "Band_deletedAt_idx" ON "Band"("deletedAt");

CREATE TABLE "TapLog" (
    "id" TEXT NOT NULL,
    "bandId" TEXT NOT NULL,                -- references "Band"."id" (the internal id), not "Band"."bandId"
    "eventId" TEXT NOT NULL,
    "windowId" TEXT,
    "tappedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "modeServed" TEXT NOT NULL,            -- 'PRE' | 'LIVE' | 'POST'
    "redirectUrl" TEXT NOT NULL,
    "userAgent" TEXT,
    "ipAddress" TEXT,
    CONSTRAINT "TapLog_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "TapLog_bandId_idx" ON "TapLog"("bandId");
CREATE INDEX "TapLog_eventId_idx" ON "TapLog"("eventId");
CREATE INDEX "TapLog_eventId_tappedAt_idx" ON "TapLog"("eventId", "tappedAt");
CREATE INDEX "TapLog_eventId_windowId_idx" ON "TapLog"("eventId", "windowId");
CREATE INDEX "TapLog_tappedAt_idx" ON "TapLog"("tappedAt");

ALTER TABLE "User" ADD CONSTRAINT "User_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Event" ADD CONSTRAINT "Event_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Event" ADD CONSTRAINT "Event_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "EventWindow" ADD CONSTRAINT "EventWindow_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Band" ADD CONSTRAINT "Band_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Band" ADD CONSTRAINT "Band_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "BandTag"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "TapLog" ADD CONSTRAINT "TapLog_bandId_fkey" FOREIGN KEY ("bandId") REFERENCES "Band"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "TapLog" ADD CONSTRAINT "TapLog_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "TapLog" ADD CONSTRAINT "TapLog_windowId_fkey" FOREIGN KEY ("windowId") REFERENCES "EventWindow"("id") ON DELETE SET NULL ON UPDATE CASCADE;
