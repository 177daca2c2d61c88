import Foundation
import Hummingbird

/// The OpenAPI 3.1 description of the catalogue's HTTP API, served at `GET /openapi.json`.
///
/// Hand-written and kept true by a test that compares its paths with the router's routes and checks
/// real responses against its schemas. Edit the JSON below when a route or a body changes.
public enum OpenAPIDocument {
    /// The document's JSON text.
    public static let json = #"""
{
 "components": {
  "headers": {
   "ETag": {
    "description": "the course's revision",
    "schema": {
     "type": "string"
    }
   },
   "Location": {
    "description": "the created resource",
    "schema": {
     "type": "string"
    }
   }
  },
  "parameters": {
   "Academy": {
    "description": "academy code, e.g. lyon",
    "in": "query",
    "name": "academy",
    "required": false,
    "schema": {
     "type": "string"
    }
   },
   "ActivityID": {
    "description": "activity id; any other shape is a 404",
    "in": "path",
    "name": "activityID",
    "required": true,
    "schema": {
     "pattern": "^[A-Za-z0-9_-]{1,64}$",
     "type": "string"
    }
   },
   "CourseID": {
    "description": "course id; any other shape is a 404",
    "in": "path",
    "name": "id",
    "required": true,
    "schema": {
     "pattern": "^[A-Za-z0-9_-]{1,64}$",
     "type": "string"
    }
   },
   "Domain": {
    "description": "training domain",
    "in": "query",
    "name": "domain",
    "required": false,
    "schema": {
     "type": "string"
    }
   },
   "Duration": {
    "description": "duration bucket",
    "in": "query",
    "name": "duration",
    "required": false,
    "schema": {
     "enum": [
      "lessThan3h",
      "from3To6h",
      "from6To9h",
      "moreThan9h"
     ],
     "type": "string"
    }
   },
   "IfMatch": {
    "description": "the ETag last read; 412 when stale",
    "in": "header",
    "name": "If-Match",
    "required": false,
    "schema": {
     "type": "string"
    }
   },
   "Limit": {
    "description": "page size",
    "in": "query",
    "name": "limit",
    "required": false,
    "schema": {
     "default": 20,
     "maximum": 100,
     "minimum": 1,
     "type": "integer"
    }
   },
   "Modality": {
    "description": "course modality",
    "in": "query",
    "name": "modality",
    "required": false,
    "schema": {
     "enum": [
      "distance",
      "hybrid",
      "inPerson"
     ],
     "type": "string"
    }
   },
   "Nature": {
    "description": "self-paced or tutored",
    "in": "query",
    "name": "nature",
    "required": false,
    "schema": {
     "enum": [
      "selfPaced",
      "tutored"
     ],
     "type": "string"
    }
   },
   "Origin": {
    "description": "national or academy offer",
    "in": "query",
    "name": "origin",
    "required": false,
    "schema": {
     "enum": [
      "national",
      "academy"
     ],
     "type": "string"
    }
   },
   "Page": {
    "description": "1-based page",
    "in": "query",
    "name": "page",
    "required": false,
    "schema": {
     "default": 1,
     "maximum": 10000,
     "minimum": 1,
     "type": "integer"
    }
   },
   "SchoolLevel": {
    "description": "school level",
    "in": "query",
    "name": "schoolLevel",
    "required": false,
    "schema": {
     "enum": [
      "primary",
      "secondary"
     ],
     "type": "string"
    }
   },
   "Sort": {
    "description": "order; relevance needs q",
    "in": "query",
    "name": "sort",
    "required": false,
    "schema": {
     "enum": [
      "relevance",
      "published"
     ],
     "type": "string"
    }
   }
  },
  "responses": {
   "Forbidden": {
    "content": {
     "application/problem+json": {
      "example": {
       "detail": "this course belongs to the national offer; this designer authors the offer of academy lyon only",
       "status": 403,
       "title": "Not allowed",
       "type": "urn:magistere:problem:forbidden"
      },
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    },
    "description": "the token lacks the role, or the course is outside the designer's scope; nothing changed"
   },
   "Unauthenticated": {
    "content": {
     "application/problem+json": {
      "example": {
       "detail": "send a bearer token: 'Authorization: Bearer <token>'",
       "errors": [
        {
         "field": "Authorization",
         "problem": "missing"
        }
       ],
       "status": 401,
       "title": "Authentication required",
       "type": "urn:magistere:problem:unauthenticated"
      },
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    },
    "description": "no token, or a token that is expired, badly signed or not meant for this platform",
    "headers": {
     "WWW-Authenticate": {
      "description": "the Bearer challenge (RFC 6750), with error_description when a token was refused",
      "schema": {
       "type": "string"
      }
     }
    }
   }
  },
  "schemas": {
   "Activity": {
    "description": "An activity; `id` is assigned (a1, a2…) when omitted.",
    "properties": {
     "estimatedMinutes": {
      "minimum": 1,
      "type": "integer"
     },
     "grouping": {
      "enum": [
       "individual",
       "collective"
      ],
      "type": "string"
     },
     "id": {
      "type": "string"
     },
     "kind": {
      "enum": [
       "video",
       "sequenceAnalysis",
       "virtualClass",
       "collectivePreparation",
       "selfAssessmentQuiz",
       "forum",
       "inPersonMeeting",
       "resource"
      ],
      "type": "string"
     },
     "modality": {
      "enum": [
       "distance",
       "inPerson"
      ],
      "type": "string"
     },
     "passThreshold": {
      "exclusiveMinimum": 0,
      "maximum": 1,
      "type": "number"
     },
     "required": {
      "type": "boolean"
     },
     "title": {
      "type": "string"
     },
     "trainerNotes": {
      "type": "string"
     }
    },
    "required": [
     "title",
     "kind",
     "estimatedMinutes"
    ],
    "type": "object"
   },
   "ActivityOrder": {
    "properties": {
     "activityIDs": {
      "items": {
       "type": "string"
      },
      "type": "array"
     }
    },
    "required": [
     "activityIDs"
    ],
    "type": "object"
   },
   "ActivitySnapshot": {
    "properties": {
     "estimatedMinutes": {
      "type": "integer"
     },
     "grouping": {
      "enum": [
       "individual",
       "collective"
      ],
      "type": "string"
     },
     "id": {
      "type": "string"
     },
     "kind": {
      "enum": [
       "video",
       "sequenceAnalysis",
       "virtualClass",
       "collectivePreparation",
       "selfAssessmentQuiz",
       "forum",
       "inPersonMeeting",
       "resource"
      ],
      "type": "string"
     },
     "modality": {
      "enum": [
       "distance",
       "inPerson"
      ],
      "type": "string"
     },
     "passThreshold": {
      "type": "number"
     },
     "required": {
      "type": "boolean"
     },
     "title": {
      "type": "string"
     },
     "trainerNotes": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "title",
     "kind",
     "grouping",
     "modality",
     "estimatedMinutes",
     "required"
    ],
    "type": "object"
   },
   "ArchiveRequest": {
    "properties": {
     "reason": {
      "type": "string"
     }
    },
    "type": "object"
   },
   "Audience": {
    "properties": {
     "disciplines": {
      "items": {
       "type": "string"
      },
      "type": "array"
     },
     "gradeLevels": {
      "items": {
       "type": "string"
      },
      "type": "array"
     },
     "schoolLevels": {
      "items": {
       "enum": [
        "primary",
        "secondary"
       ],
       "type": "string"
      },
      "type": "array"
     }
    },
    "required": [
     "schoolLevels"
    ],
    "type": "object"
   },
   "CatalogueItem": {
    "properties": {
     "courseID": {
      "type": "string"
     },
     "derivedFrom": {
      "$ref": "#/components/schemas/CourseVersionRef"
     },
     "distanceMinutes": {
      "type": "integer"
     },
     "domain": {
      "type": "string"
     },
     "durationBucket": {
      "type": "string"
     },
     "inPersonMinutes": {
      "type": "integer"
     },
     "modality": {
      "enum": [
       "distance",
       "hybrid",
       "inPerson"
      ],
      "type": "string"
     },
     "nature": {
      "enum": [
       "selfPaced",
       "tutored"
      ],
      "type": "string"
     },
     "origin": {
      "$ref": "#/components/schemas/CourseOrigin"
     },
     "publishedAt": {
      "format": "date-time",
      "type": "string"
     },
     "schoolLevels": {
      "items": {
       "enum": [
        "primary",
        "secondary"
       ],
       "type": "string"
      },
      "type": "array"
     },
     "summary": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "version": {
      "type": "integer"
     }
    },
    "required": [
     "courseID",
     "version",
     "title",
     "summary",
     "domain",
     "schoolLevels",
     "origin",
     "nature",
     "durationBucket",
     "distanceMinutes",
     "inPersonMinutes",
     "publishedAt"
    ],
    "type": "object"
   },
   "CataloguePage": {
    "properties": {
     "facets": {
      "properties": {
       "academy": {
        "items": {
         "$ref": "#/components/schemas/FacetCount"
        },
        "type": "array"
       },
       "domain": {
        "items": {
         "$ref": "#/components/schemas/FacetCount"
        },
        "type": "array"
       },
       "duration": {
        "items": {
         "$ref": "#/components/schemas/FacetCount"
        },
        "type": "array"
       },
       "modality": {
        "items": {
         "$ref": "#/components/schemas/FacetCount"
        },
        "type": "array"
       },
       "nature": {
        "items": {
         "$ref": "#/components/schemas/FacetCount"
        },
        "type": "array"
       },
       "origin": {
        "items": {
         "$ref": "#/components/schemas/FacetCount"
        },
        "type": "array"
       },
       "schoolLevel": {
        "items": {
         "$ref": "#/components/schemas/FacetCount"
        },
        "type": "array"
       }
      },
      "type": "object"
     },
     "items": {
      "items": {
       "$ref": "#/components/schemas/CatalogueItem"
      },
      "type": "array"
     },
     "limit": {
      "type": "integer"
     },
     "page": {
      "type": "integer"
     },
     "total": {
      "type": "integer"
     }
    },
    "required": [
     "items",
     "total",
     "page",
     "limit",
     "facets"
    ],
    "type": "object"
   },
   "CourseDraft": {
    "properties": {
     "activities": {
      "items": {
       "$ref": "#/components/schemas/Activity"
      },
      "type": "array"
     },
     "audience": {
      "$ref": "#/components/schemas/Audience"
     },
     "domain": {
      "type": "string"
     },
     "keywords": {
      "items": {
       "type": "string"
      },
      "type": "array"
     },
     "nature": {
      "enum": [
       "selfPaced",
       "tutored"
      ],
      "type": "string"
     },
     "objectives": {
      "items": {
       "type": "string"
      },
      "type": "array"
     },
     "origin": {
      "$ref": "#/components/schemas/CourseOrigin"
     },
     "owner": {
      "$ref": "#/components/schemas/CourseOwner"
     },
     "summary": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "trainerNotes": {
      "type": "string"
     }
    },
    "required": [
     "title",
     "origin",
     "owner"
    ],
    "type": "object"
   },
   "CourseFigures": {
    "properties": {
     "distanceMinutes": {
      "type": "integer"
     },
     "durationBucket": {
      "enum": [
       "lessThan3h",
       "from3To6h",
       "from6To9h",
       "moreThan9h"
      ],
      "type": "string"
     },
     "inPersonMinutes": {
      "type": "integer"
     },
     "modality": {
      "enum": [
       "distance",
       "hybrid",
       "inPerson"
      ],
      "type": "string"
     }
    },
    "required": [
     "distanceMinutes",
     "inPersonMinutes",
     "durationBucket"
    ],
    "type": "object"
   },
   "CourseOrigin": {
    "properties": {
     "academy": {
      "type": "string"
     },
     "kind": {
      "enum": [
       "national",
       "academy"
      ],
      "type": "string"
     },
     "sharedNationally": {
      "type": "boolean"
     }
    },
    "required": [
     "kind",
     "sharedNationally"
    ],
    "type": "object"
   },
   "CourseOwner": {
    "properties": {
     "designerID": {
      "description": "the pseudonymous id of the designer who published the version: set from the publisher's token on publication",
      "type": "string"
     },
     "organisation": {
      "type": "string"
     }
    },
    "required": [
     "organisation"
    ],
    "type": "object"
   },
   "CourseVersion": {
    "description": "A published, immutable version: the catalog.course.published.v1 snapshot.",
    "properties": {
     "activities": {
      "items": {
       "$ref": "#/components/schemas/ActivitySnapshot"
      },
      "type": "array"
     },
     "audience": {
      "$ref": "#/components/schemas/Audience"
     },
     "courseID": {
      "type": "string"
     },
     "derivedFrom": {
      "$ref": "#/components/schemas/CourseVersionRef"
     },
     "distanceMinutes": {
      "type": "integer"
     },
     "domain": {
      "type": "string"
     },
     "durationBucket": {
      "enum": [
       "lessThan3h",
       "from3To6h",
       "from6To9h",
       "moreThan9h"
      ],
      "type": "string"
     },
     "inPersonMinutes": {
      "type": "integer"
     },
     "keywords": {
      "items": {
       "type": "string"
      },
      "type": "array"
     },
     "nature": {
      "enum": [
       "selfPaced",
       "tutored"
      ],
      "type": "string"
     },
     "objectives": {
      "items": {
       "type": "string"
      },
      "type": "array"
     },
     "origin": {
      "$ref": "#/components/schemas/CourseOrigin"
     },
     "owner": {
      "$ref": "#/components/schemas/CourseOwner"
     },
     "publishedAt": {
      "format": "date-time",
      "type": "string"
     },
     "summary": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "trainerNotes": {
      "type": "string"
     },
     "version": {
      "type": "integer"
     }
    },
    "required": [
     "courseID",
     "version",
     "title",
     "summary",
     "objectives",
     "keywords",
     "domain",
     "audience",
     "origin",
     "nature",
     "activities",
     "owner",
     "publishedAt",
     "distanceMinutes",
     "inPersonMinutes",
     "durationBucket"
    ],
    "type": "object"
   },
   "CourseVersionRef": {
    "properties": {
     "courseID": {
      "type": "string"
     },
     "version": {
      "type": "integer"
     }
    },
    "required": [
     "courseID",
     "version"
    ],
    "type": "object"
   },
   "CourseView": {
    "properties": {
     "archivedAt": {
      "format": "date-time",
      "type": "string"
     },
     "courseID": {
      "type": "string"
     },
     "current": {
      "$ref": "#/components/schemas/CourseVersion"
     },
     "derivedFrom": {
      "$ref": "#/components/schemas/CourseVersionRef"
     },
     "latestVersion": {
      "type": "integer"
     },
     "source": {
      "properties": {
       "behind": {
        "type": "boolean"
       },
       "courseID": {
        "type": "string"
       },
       "derivedFromVersion": {
        "type": "integer"
       },
       "latestVersion": {
        "type": "integer"
       }
      },
      "required": [
       "courseID",
       "derivedFromVersion",
       "latestVersion",
       "behind"
      ],
      "type": "object"
     },
     "status": {
      "enum": [
       "draft",
       "published",
       "archived"
      ],
      "type": "string"
     }
    },
    "required": [
     "courseID",
     "status",
     "latestVersion"
    ],
    "type": "object"
   },
   "DeriveRequest": {
    "properties": {
     "origin": {
      "$ref": "#/components/schemas/CourseOrigin"
     },
     "owner": {
      "$ref": "#/components/schemas/CourseOwner"
     },
     "title": {
      "type": "string"
     },
     "version": {
      "minimum": 1,
      "type": "integer"
     }
    },
    "required": [
     "origin",
     "owner"
    ],
    "type": "object"
   },
   "DraftView": {
    "properties": {
     "basedOnVersion": {
      "type": "integer"
     },
     "content": {
      "$ref": "#/components/schemas/CourseDraft"
     },
     "courseID": {
      "type": "string"
     },
     "derivedFrom": {
      "$ref": "#/components/schemas/CourseVersionRef"
     },
     "figures": {
      "$ref": "#/components/schemas/CourseFigures"
     },
     "pendingChanges": {
      "type": "boolean"
     },
     "publicationIssues": {
      "items": {
       "$ref": "#/components/schemas/ValidationIssue"
      },
      "type": "array"
     },
     "revision": {
      "type": "integer"
     },
     "status": {
      "enum": [
       "draft",
       "published",
       "archived"
      ],
      "type": "string"
     }
    },
    "required": [
     "courseID",
     "status",
     "revision",
     "basedOnVersion",
     "pendingChanges",
     "publicationIssues"
    ],
    "type": "object"
   },
   "FacetCount": {
    "properties": {
     "count": {
      "type": "integer"
     },
     "value": {
      "type": "string"
     }
    },
    "required": [
     "value",
     "count"
    ],
    "type": "object"
   },
   "NewActivity": {
    "allOf": [
     {
      "$ref": "#/components/schemas/Activity"
     },
     {
      "properties": {
       "position": {
        "minimum": 0,
        "type": "integer"
       }
      },
      "type": "object"
     }
    ]
   },
   "Problem": {
    "properties": {
     "currentETag": {
      "type": "string"
     },
     "currentState": {
      "type": "string"
     },
     "detail": {
      "type": "string"
     },
     "errors": {
      "items": {
       "properties": {
        "field": {
         "type": "string"
        },
        "problem": {
         "type": "string"
        }
       },
       "required": [
        "field",
        "problem"
       ],
       "type": "object"
      },
      "type": "array"
     },
     "instance": {
      "type": "string"
     },
     "status": {
      "type": "integer"
     },
     "title": {
      "type": "string"
     },
     "type": {
      "type": "string"
     }
    },
    "required": [
     "type",
     "title",
     "status"
    ],
    "type": "object"
   },
   "Status": {
    "properties": {
     "checks": {
      "additionalProperties": {
       "type": "string"
      },
      "properties": {},
      "type": "object"
     },
     "status": {
      "type": "string"
     }
    },
    "required": [
     "status",
     "checks"
    ],
    "type": "object"
   },
   "ValidationIssue": {
    "properties": {
     "field": {
      "type": "string"
     },
     "problem": {
      "type": "string"
     }
    },
    "required": [
     "field",
     "problem"
    ],
    "type": "object"
   },
   "VersionHistory": {
    "properties": {
     "courseID": {
      "type": "string"
     },
     "versions": {
      "items": {
       "properties": {
        "activityCount": {
         "type": "integer"
        },
        "durationBucket": {
         "type": "string"
        },
        "publishedAt": {
         "format": "date-time",
         "type": "string"
        },
        "title": {
         "type": "string"
        },
        "version": {
         "type": "integer"
        }
       },
       "required": [
        "version",
        "title",
        "publishedAt",
        "durationBucket",
        "activityCount"
       ],
       "type": "object"
      },
      "type": "array"
     }
    },
    "required": [
     "courseID",
     "versions"
    ],
    "type": "object"
   }
  },
  "securitySchemes": {
   "bearerAuth": {
    "bearerFormat": "JWT",
    "description": "A JWT from the identity provider: `sub` the caller's pseudonymous id, `roles` (designer, manager, trainer, tutor, participant, operator) and, for a designer of an academy, `academy` (its code); no `academy` is the national scope.",
    "scheme": "bearer",
    "type": "http"
   }
  }
 },
 "info": {
  "description": "Courses (parcours), immutable versions, national and academy offers, derivation and search. Errors are RFC 9457 problems. Changes honour If-Match (ETag = course revision); a stale If-Match gives 412 and changes nothing. Reading the published offer needs no token; authoring needs a bearer token with the designer role, and acts only on the designer's scope: the national offer without an academy claim, that academy's offer with one (a course's origin decides). Another scope's course is refused with 403 and left unchanged.",
  "title": "M@gistère catalogue",
  "version": "1.0.0"
 },
 "openapi": "3.1.0",
 "paths": {
  "/courses": {
   "get": {
    "description": "Public: no token needed.",
    "operationId": "listCourses",
    "parameters": [
     {
      "$ref": "#/components/parameters/SchoolLevel"
     },
     {
      "$ref": "#/components/parameters/Origin"
     },
     {
      "$ref": "#/components/parameters/Academy"
     },
     {
      "$ref": "#/components/parameters/Domain"
     },
     {
      "$ref": "#/components/parameters/Modality"
     },
     {
      "$ref": "#/components/parameters/Nature"
     },
     {
      "$ref": "#/components/parameters/Duration"
     },
     {
      "$ref": "#/components/parameters/Sort"
     },
     {
      "$ref": "#/components/parameters/Page"
     },
     {
      "$ref": "#/components/parameters/Limit"
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "example": {
         "facets": {
          "origin": [
           {
            "count": 0,
            "value": "national"
           }
          ]
         },
         "items": [],
         "limit": 20,
         "page": 1,
         "total": 0
        },
        "schema": {
         "$ref": "#/components/schemas/CataloguePage"
        }
       }
      },
      "description": "a page"
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "unknown or invalid query parameter"
     }
    },
    "security": [],
    "summary": "List the offer (published, not archived), with facet counts"
   },
   "post": {
    "description": "Role designer; the draft's origin must be in the caller's scope (the national offer without an academy claim, that academy's offer with one), else 403 and nothing is stored.",
    "operationId": "createCourse",
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CourseDraft"
       }
      }
     },
     "required": true
    },
    "responses": {
     "201": {
      "content": {
       "application/json": {
        "example": {
         "basedOnVersion": 0,
         "courseID": "crs-0a1b2c3d4e5f",
         "pendingChanges": true,
         "publicationIssues": [
          {
           "field": "activities",
           "problem": "a published course needs at least one activity"
          }
         ],
         "revision": 1,
         "status": "draft"
        },
        "schema": {
         "$ref": "#/components/schemas/DraftView"
        }
       }
      },
      "description": "created",
      "headers": {
       "ETag": {
        "$ref": "#/components/headers/ETag"
       },
       "Location": {
        "$ref": "#/components/headers/Location"
       }
      }
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "malformed body or query"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "413": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "body too large"
     },
     "415": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "not JSON"
     },
     "422": {
      "content": {
       "application/problem+json": {
        "example": {
         "errors": [
          {
           "field": "title",
           "problem": "must not be empty"
          }
         ],
         "status": 422,
         "title": "The request is not valid",
         "type": "urn:magistere:problem:validation"
        },
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "breaks a rule; each error names its field"
     }
    },
    "summary": "Create a course with its first draft"
   }
  },
  "/courses/{id}": {
   "get": {
    "description": "Public: no token needed.",
    "operationId": "getCourse",
    "parameters": [
     {
      "$ref": "#/components/parameters/CourseID"
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CourseView"
        }
       }
      },
      "description": "the course and its latest version"
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "a query parameter (this operation takes none)"
     },
     "404": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "no such course"
     }
    },
    "security": []
   }
  },
  "/courses/{id}/archive": {
   "post": {
    "description": "Role designer; the course must be in the caller's scope (national offer without an academy claim, that academy's offer with one), else 403 and nothing changes.",
    "operationId": "archiveCourse",
    "parameters": [
     {
      "$ref": "#/components/parameters/CourseID"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ArchiveRequest"
       }
      }
     },
     "required": false
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CourseView"
        }
       }
      },
      "description": "archived",
      "headers": {
       "ETag": {
        "$ref": "#/components/headers/ETag"
       }
      }
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "malformed body or query"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "no such course"
     },
     "409": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "already archived"
     },
     "412": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "If-Match is stale"
     },
     "413": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "body too large"
     },
     "415": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "not JSON"
     },
     "422": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "the body's reason is not a string"
     }
    }
   }
  },
  "/courses/{id}/derive": {
   "post": {
    "description": "Role designer. The source may be any published course; the new course's origin must be in the caller's scope (the national offer without an academy claim, that academy's offer with one), else 403 and nothing is stored.",
    "operationId": "deriveCourse",
    "parameters": [
     {
      "$ref": "#/components/parameters/CourseID"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/DeriveRequest"
       }
      }
     },
     "required": true
    },
    "responses": {
     "201": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DraftView"
        }
       }
      },
      "description": "the new course's draft",
      "headers": {
       "ETag": {
        "$ref": "#/components/headers/ETag"
       },
       "Location": {
        "$ref": "#/components/headers/Location"
       }
      }
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "malformed body or query"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "no such course"
     },
     "409": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "source archived or never published"
     },
     "413": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "body too large"
     },
     "415": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "not JSON"
     },
     "422": {
      "content": {
       "application/problem+json": {
        "example": {
         "errors": [
          {
           "field": "title",
           "problem": "must not be empty"
          }
         ],
         "status": 422,
         "title": "The request is not valid",
         "type": "urn:magistere:problem:validation"
        },
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "breaks a rule; each error names its field"
     }
    },
    "summary": "Derive a local course (contextualisation) from a published version"
   }
  },
  "/courses/{id}/draft": {
   "get": {
    "description": "Role designer; the course must be in the caller's scope (national offer without an academy claim, that academy's offer with one), else 403.",
    "operationId": "getDraft",
    "parameters": [
     {
      "$ref": "#/components/parameters/CourseID"
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DraftView"
        }
       }
      },
      "description": "the editable content",
      "headers": {
       "ETag": {
        "$ref": "#/components/headers/ETag"
       }
      }
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "a query parameter (this operation takes none)"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "no such course"
     }
    }
   },
   "put": {
    "description": "Role designer; the course must be in the caller's scope (national offer without an academy claim, that academy's offer with one), else 403 and nothing changes. The new draft's origin must stay in that scope.",
    "operationId": "replaceDraft",
    "parameters": [
     {
      "$ref": "#/components/parameters/CourseID"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CourseDraft"
       }
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DraftView"
        }
       }
      },
      "description": "edited",
      "headers": {
       "ETag": {
        "$ref": "#/components/headers/ETag"
       }
      }
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "malformed body or query"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "no such course"
     },
     "409": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "archived"
     },
     "412": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "If-Match is stale"
     },
     "413": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "body too large"
     },
     "415": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "not JSON"
     },
     "422": {
      "content": {
       "application/problem+json": {
        "example": {
         "errors": [
          {
           "field": "title",
           "problem": "must not be empty"
          }
         ],
         "status": 422,
         "title": "The request is not valid",
         "type": "urn:magistere:problem:validation"
        },
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "breaks a rule; each error names its field"
     }
    }
   }
  },
  "/courses/{id}/draft/activities": {
   "post": {
    "description": "Role designer; the course must be in the caller's scope (national offer without an academy claim, that academy's offer with one), else 403 and nothing changes.",
    "operationId": "addActivity",
    "parameters": [
     {
      "$ref": "#/components/parameters/CourseID"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/NewActivity"
       }
      }
     },
     "required": true
    },
    "responses": {
     "201": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DraftView"
        }
       }
      },
      "description": "added",
      "headers": {
       "ETag": {
        "$ref": "#/components/headers/ETag"
       },
       "Location": {
        "$ref": "#/components/headers/Location"
       }
      }
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "malformed body or query"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "no such course"
     },
     "409": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "archived"
     },
     "412": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "If-Match is stale"
     },
     "413": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "body too large"
     },
     "415": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "not JSON"
     },
     "422": {
      "content": {
       "application/problem+json": {
        "example": {
         "errors": [
          {
           "field": "title",
           "problem": "must not be empty"
          }
         ],
         "status": 422,
         "title": "The request is not valid",
         "type": "urn:magistere:problem:validation"
        },
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "breaks a rule; each error names its field"
     }
    }
   }
  },
  "/courses/{id}/draft/activities/{activityID}": {
   "delete": {
    "description": "Role designer; the course must be in the caller's scope (national offer without an academy claim, that academy's offer with one), else 403 and nothing changes.",
    "operationId": "removeActivity",
    "parameters": [
     {
      "$ref": "#/components/parameters/CourseID"
     },
     {
      "$ref": "#/components/parameters/ActivityID"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DraftView"
        }
       }
      },
      "description": "removed",
      "headers": {
       "ETag": {
        "$ref": "#/components/headers/ETag"
       }
      }
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "a query parameter (this operation takes none)"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "no such course"
     },
     "409": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "archived"
     },
     "412": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "If-Match is stale"
     }
    }
   },
   "put": {
    "description": "Role designer; the course must be in the caller's scope (national offer without an academy claim, that academy's offer with one), else 403 and nothing changes.",
    "operationId": "replaceActivity",
    "parameters": [
     {
      "$ref": "#/components/parameters/CourseID"
     },
     {
      "$ref": "#/components/parameters/ActivityID"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Activity"
       }
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DraftView"
        }
       }
      },
      "description": "replaced",
      "headers": {
       "ETag": {
        "$ref": "#/components/headers/ETag"
       }
      }
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "malformed body or query"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "no such course"
     },
     "409": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "archived"
     },
     "412": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "If-Match is stale"
     },
     "413": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "body too large"
     },
     "415": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "not JSON"
     },
     "422": {
      "content": {
       "application/problem+json": {
        "example": {
         "errors": [
          {
           "field": "title",
           "problem": "must not be empty"
          }
         ],
         "status": 422,
         "title": "The request is not valid",
         "type": "urn:magistere:problem:validation"
        },
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "breaks a rule; each error names its field"
     }
    }
   }
  },
  "/courses/{id}/draft/activity-order": {
   "put": {
    "description": "Role designer; the course must be in the caller's scope (national offer without an academy claim, that academy's offer with one), else 403 and nothing changes.",
    "operationId": "reorderActivities",
    "parameters": [
     {
      "$ref": "#/components/parameters/CourseID"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ActivityOrder"
       }
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DraftView"
        }
       }
      },
      "description": "reordered",
      "headers": {
       "ETag": {
        "$ref": "#/components/headers/ETag"
       }
      }
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "malformed body or query"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "no such course"
     },
     "409": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "archived"
     },
     "412": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "If-Match is stale"
     },
     "413": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "body too large"
     },
     "415": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "not JSON"
     },
     "422": {
      "content": {
       "application/problem+json": {
        "example": {
         "errors": [
          {
           "field": "title",
           "problem": "must not be empty"
          }
         ],
         "status": 422,
         "title": "The request is not valid",
         "type": "urn:magistere:problem:validation"
        },
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "breaks a rule; each error names its field"
     }
    }
   }
  },
  "/courses/{id}/publish": {
   "post": {
    "description": "Role designer; the course must be in the caller's scope (national offer without an academy claim, that academy's offer with one), else 403 and nothing changes. The version's owner.designerID is the caller's id.",
    "operationId": "publishCourse",
    "parameters": [
     {
      "$ref": "#/components/parameters/CourseID"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     }
    ],
    "responses": {
     "201": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CourseVersion"
        }
       }
      },
      "description": "the published version",
      "headers": {
       "ETag": {
        "$ref": "#/components/headers/ETag"
       },
       "Location": {
        "$ref": "#/components/headers/Location"
       }
      }
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "a query parameter (this operation takes none)"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "no such course"
     },
     "409": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "archived, or nothing to publish"
     },
     "412": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "If-Match is stale"
     },
     "422": {
      "content": {
       "application/problem+json": {
        "example": {
         "errors": [
          {
           "field": "title",
           "problem": "must not be empty"
          }
         ],
         "status": 422,
         "title": "The request is not valid",
         "type": "urn:magistere:problem:validation"
        },
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "breaks a rule; each error names its field"
     }
    },
    "summary": "Publish the draft as the next immutable version (event through the outbox)"
   }
  },
  "/courses/{id}/versions": {
   "get": {
    "description": "Public: no token needed.",
    "operationId": "listVersions",
    "parameters": [
     {
      "$ref": "#/components/parameters/CourseID"
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/VersionHistory"
        }
       }
      },
      "description": "the history"
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "a query parameter (this operation takes none)"
     },
     "404": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "no such course"
     }
    },
    "security": []
   }
  },
  "/courses/{id}/versions/{version}": {
   "get": {
    "description": "Public: no token needed.",
    "operationId": "getVersion",
    "parameters": [
     {
      "$ref": "#/components/parameters/CourseID"
     },
     {
      "in": "path",
      "name": "version",
      "required": true,
      "schema": {
       "minimum": 1,
       "type": "integer"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CourseVersion"
        }
       }
      },
      "description": "the snapshot"
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "a query parameter (this operation takes none)"
     },
     "404": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "no such course"
     }
    },
    "security": []
   }
  },
  "/health": {
   "get": {
    "description": "Public: no token needed.",
    "operationId": "health",
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      },
      "description": "alive"
     }
    },
    "security": [],
    "tags": [
     "operations"
    ]
   }
  },
  "/metrics": {
   "get": {
    "description": "Role operator.",
    "operationId": "metrics",
    "responses": {
     "200": {
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "Prometheus text"
     },
     "401": {
      "$ref": "#/components/responses/Unauthenticated"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     }
    },
    "tags": [
     "operations"
    ]
   }
  },
  "/openapi.json": {
   "get": {
    "description": "Public: no token needed.",
    "operationId": "openAPI",
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "properties": {},
         "type": "object"
        }
       }
      },
      "description": "this document"
     }
    },
    "security": [],
    "tags": [
     "operations"
    ]
   }
  },
  "/ready": {
   "get": {
    "description": "Public: no token needed.",
    "operationId": "ready",
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      },
      "description": "ready"
     },
     "503": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      },
      "description": "not ready"
     }
    },
    "security": [],
    "tags": [
     "operations"
    ]
   }
  },
  "/search": {
   "get": {
    "description": "Public: no token needed.",
    "operationId": "searchCourses",
    "parameters": [
     {
      "in": "query",
      "name": "q",
      "required": false,
      "schema": {
       "maxLength": 200,
       "type": "string"
      }
     },
     {
      "$ref": "#/components/parameters/SchoolLevel"
     },
     {
      "$ref": "#/components/parameters/Origin"
     },
     {
      "$ref": "#/components/parameters/Academy"
     },
     {
      "$ref": "#/components/parameters/Domain"
     },
     {
      "$ref": "#/components/parameters/Modality"
     },
     {
      "$ref": "#/components/parameters/Nature"
     },
     {
      "$ref": "#/components/parameters/Duration"
     },
     {
      "$ref": "#/components/parameters/Sort"
     },
     {
      "$ref": "#/components/parameters/Page"
     },
     {
      "$ref": "#/components/parameters/Limit"
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "example": {
         "facets": {
          "origin": [
           {
            "count": 0,
            "value": "national"
           }
          ]
         },
         "items": [],
         "limit": 20,
         "page": 1,
         "total": 0
        },
        "schema": {
         "$ref": "#/components/schemas/CataloguePage"
        }
       }
      },
      "description": "a page"
     },
     "400": {
      "content": {
       "application/problem+json": {
        "schema": {
         "$ref": "#/components/schemas/Problem"
        }
       }
      },
      "description": "unknown or invalid query parameter"
     }
    },
    "security": [],
    "summary": "Full-text search (title, summary, objectives, keywords; accents ignored) with facets"
   }
  }
 },
 "security": [
  {
   "bearerAuth": []
  }
 ],
 "servers": [
  {
   "url": "http://localhost:8081"
  }
 ]
}
"""#

    static func response() -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}
